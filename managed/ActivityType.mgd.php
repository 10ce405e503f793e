<?php
// The activity type KeyAudit records (mixin mgd-php@1.0.0 finds managed/*.mgd.php).
// Reserved, so that nobody renames or deletes it through the admin screens while the trail relies
// on its name; filter 1, so that it stays out of "New Activity" menus (core lists only filter 0
// types there): people do not log key changes by hand.
// cleanup 'unused': uninstalling keeps the type while any activity still uses it, so the trail
// does not lose its type.
return [
  [
    'name' => 'OptionValue_activity_type_apikeytab_key_changed',
    'entity' => 'OptionValue',
    'cleanup' => 'unused',
    'update' => 'unmodified',
    'params' => [
      'version' => 4,
      'values' => [
        'option_group_id.name' => 'activity_type',
        'name' => 'apikeytab_key_changed',
        'label' => ts('API Key Changed', ['domain' => 'apikeytab']),
        'description' => ts('The API key of the contact was generated, replaced or revoked.', ['domain' => 'apikeytab']),
        'icon' => 'fa-key',
        'filter' => 1,
        'is_reserved' => TRUE,
        'is_active' => TRUE,
      ],
      'match' => ['option_group_id', 'name'],
    ],
  ],
];
