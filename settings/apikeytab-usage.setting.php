<?php
// Kept by the extension itself, not on any form: when it began recording key use
// (Civi\ApiKeyTab\Lifecycle\TrackingStart).

return [
  'apikeytab_usage_since' => [
    'group_name' => 'API Key Tab',
    'group' => 'apikeytab',
    'name' => 'apikeytab_usage_since',
    'type' => 'String',
    'html_type' => 'text',
    'default' => NULL,
    'add' => '1.1',
    'is_domain' => 1,
    'is_contact' => 0,
    'title' => ts('API key use recorded since', ['domain' => 'apikeytab']),
    // Hidden from the settings form of mixin setting-admin@1.0.0 (an empty settings_pages).
    'settings_pages' => [],
    'description' => ts('When the extension began recording when and from where each API key is used (site-local date and time).', ['domain' => 'apikeytab']),
  ],
];
