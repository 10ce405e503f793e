<?php
// The key lifecycle's site settings (mixin setting-php@1.0.0). Mixin setting-admin@1.0.0 puts every
// setting of group "apikeytab" on its form at civicrm/admin/setting/apikeytab; settings_pages says
// so explicitly and orders them.
// No html_attributes min/max: core's form rule answers those with a generic "Invalid value for ..."
// that would replace the clear message of the validate_callback (CRM_Admin_Form_Generic).
// Names and the default of 7 are literals, as in Civi\ApiKeyTab\Lifecycle\Policy: settings metadata can be
// read early in CiviCRM's boot, so this file refers to no class of the extension.

return [
  'apikeytab_default_lifetime' => [
    'name' => 'apikeytab_default_lifetime',
    'group_name' => 'API Key Tab Preferences',
    'group' => 'apikeytab',
    'type' => 'Integer',
    'html_type' => 'number',
    'default' => 0,
    'add' => '1.1',
    'is_domain' => 1,
    'is_contact' => 0,
    'title' => ts('Default key lifetime (days)', ['domain' => 'apikeytab']),
    'description' => ts('How long a new API key lives unless whoever makes it chooses otherwise. 0 means keys never expire by default.', ['domain' => 'apikeytab']),
    'validate_callback' => 'Civi\ApiKeyTab\Lifecycle\LifetimeSettings::validateDays',
    'settings_pages' => ['apikeytab' => ['weight' => 10]],
  ],
  'apikeytab_max_lifetime' => [
    'name' => 'apikeytab_max_lifetime',
    'group_name' => 'API Key Tab Preferences',
    'group' => 'apikeytab',
    'type' => 'Integer',
    'html_type' => 'number',
    'default' => 0,
    'add' => '1.1',
    'is_domain' => 1,
    'is_contact' => 0,
    'title' => ts('Maximum key lifetime (days)', ['domain' => 'apikeytab']),
    'description' => ts('The longest any API key may live. With a maximum, keys cannot be set to never expire, and a key set another way (another screen, the API, an import) expires after the maximum. 0 means no maximum.', ['domain' => 'apikeytab']),
    'validate_callback' => 'Civi\ApiKeyTab\Lifecycle\LifetimeSettings::validateDays',
    'settings_pages' => ['apikeytab' => ['weight' => 20]],
  ],
  'apikeytab_reminder_days' => [
    'name' => 'apikeytab_reminder_days',
    'group_name' => 'API Key Tab Preferences',
    'group' => 'apikeytab',
    'type' => 'Integer',
    'html_type' => 'number',
    'default' => 7,
    'add' => '1.1',
    'is_domain' => 1,
    'is_contact' => 0,
    'title' => ts('Reminder before expiry (days)', ['domain' => 'apikeytab']),
    'description' => ts('How many days before a key expires a reminder is emailed to whoever set it and to the contact. 0 sends no reminder.', ['domain' => 'apikeytab']),
    'validate_callback' => 'Civi\ApiKeyTab\Lifecycle\LifetimeSettings::validateDays',
    'settings_pages' => ['apikeytab' => ['weight' => 30]],
  ],
];
