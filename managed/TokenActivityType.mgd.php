<?php
// The activity type Civi\ApiKeyTab\Token\TokenAudit records when a temporary token is issued (issue 14).
// Its own type rather than the audit trail's apikeytab_key_changed: the tab's "Last changed" is the
// newest activity of that type, and a token changes no key. Reserved and filter 1 for the same
// reasons as managed/ActivityType.mgd.php: nobody renames it away from under the trail, and nobody
// logs it by hand.
return [
  [
    'name' => 'OptionValue_activity_type_apikeytab_token_issued',
    'entity' => 'OptionValue',
    'cleanup' => 'unused',
    'update' => 'unmodified',
    'params' => [
      'version' => 4,
      'values' => [
        'option_group_id.name' => 'activity_type',
        'name' => 'apikeytab_token_issued',
        'label' => ts('Temporary Token Issued', ['domain' => 'apikeytab']),
        'description' => ts('A temporary API token (valid for a limited time, not revocable) was issued for the contact.', ['domain' => 'apikeytab']),
        'icon' => 'fa-clock-o',
        'filter' => 1,
        'is_reserved' => TRUE,
        'is_active' => TRUE,
      ],
      'match' => ['option_group_id', 'name'],
    ],
  ],
];
