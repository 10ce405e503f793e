<?php
// The daily job of issue 13 (mixin mgd-php@1.0.0): ApiKeyRecord.expire revokes the keys whose end has
// passed and sends the reminders (Civi\Api4\Action\ApiKeyRecord\Expire).
// parameters: JSON, which core's scheduled jobs read from 5.72 (this extension needs 5.75): APIv4, and
// no permission checks, since cron runs as whoever (or nobody) it runs as.
// update 'unmodified': a site that changes the frequency or disables the job keeps its choice.
return [
  [
    'name' => 'Job_apikeytab_expire_keys',
    'entity' => 'Job',
    'cleanup' => 'always',
    'update' => 'unmodified',
    'params' => [
      'version' => 4,
      'values' => [
        'name' => 'apikeytab_expire_keys',
        'description' => ts('Revokes the API keys whose expiry has passed (the audit trail records "API key expired") and emails the reminders before keys expire.', ['domain' => 'apikeytab']),
        'run_frequency' => 'Daily',
        'api_entity' => 'ApiKeyRecord',
        'api_action' => 'expire',
        'parameters' => '{"version":4,"checkPermissions":false}',
        'is_active' => TRUE,
      ],
      'match' => ['name'],
    ],
  ],
];
