<?php
// The key table of issues 12 and 13, read by mixin entity-types-php@2.0.0 (one entity per file,
// named schema/<Entity>.entityType.php). It never holds a key: only the SHA-256 of the one a row
// speaks for, so that a row whose key was changed behind the extension's back can be told apart.
// The SQL that creates the table is Civi\ApiKeyTab\Lifecycle\KeyRecords::createSql(), which a test
// holds to these fields.

return [
  'name' => 'ApiKeyRecord',
  'table' => 'civicrm_apikeytab_key',
  'class' => 'CRM_ApiKeyTab_DAO_ApiKeyRecord',
  'getInfo' => fn() => [
    'title' => ts('API Key Record', ['domain' => 'apikeytab']),
    'title_plural' => ts('API Key Records', ['domain' => 'apikeytab']),
    'description' => ts('When each API key was set, last used and from where, and when it expires. Never the key itself.', ['domain' => 'apikeytab']),
    // A row changes at most once a minute per key in use: detailed logging would copy every use.
    'log' => FALSE,
    'add' => '1.1',
    'icon' => 'fa-key',
  ],
  'getIndices' => fn() => [
    'UI_contact_id' => [
      'fields' => ['contact_id' => TRUE],
      'unique' => TRUE,
      'add' => '1.1',
    ],
    'index_key_fingerprint' => [
      'fields' => ['key_fingerprint' => TRUE],
      'add' => '1.1',
    ],
  ],
  'getFields' => fn() => [
    'id' => [
      'title' => ts('ID', ['domain' => 'apikeytab']),
      'sql_type' => 'int unsigned',
      'input_type' => 'Number',
      'required' => TRUE,
      'primary_key' => TRUE,
      'auto_increment' => TRUE,
      'add' => '1.1',
    ],
    'contact_id' => [
      'title' => ts('Contact', ['domain' => 'apikeytab']),
      'sql_type' => 'int unsigned',
      'input_type' => 'EntityRef',
      'required' => TRUE,
      'description' => ts('The contact whose API key this is', ['domain' => 'apikeytab']),
      'add' => '1.1',
      'entity_reference' => [
        'entity' => 'Contact',
        'key' => 'id',
        'on_delete' => 'CASCADE',
      ],
    ],
    'key_fingerprint' => [
      'title' => ts('Key Fingerprint', ['domain' => 'apikeytab']),
      'sql_type' => 'char(64)',
      'input_type' => 'Text',
      'required' => TRUE,
      'readonly' => TRUE,
      'description' => ts('SHA-256 (hex) of the key this row speaks for', ['domain' => 'apikeytab']),
      'add' => '1.1',
    ],
    'set_date' => [
      'title' => ts('Key Set', ['domain' => 'apikeytab']),
      'sql_type' => 'datetime',
      'input_type' => 'Select Date',
      'description' => ts('When the key was set; empty when it was set before the extension saw it', ['domain' => 'apikeytab']),
      'add' => '1.1',
    ],
    'set_by' => [
      'title' => ts('Key Set By', ['domain' => 'apikeytab']),
      'sql_type' => 'int unsigned',
      'input_type' => 'EntityRef',
      'description' => ts('The contact who set the key', ['domain' => 'apikeytab']),
      'add' => '1.1',
      'entity_reference' => [
        'entity' => 'Contact',
        'key' => 'id',
        'on_delete' => 'SET NULL',
      ],
    ],
    'last_used_date' => [
      'title' => ts('Last Used', ['domain' => 'apikeytab']),
      'sql_type' => 'datetime',
      'input_type' => 'Select Date',
      'description' => ts('The last request authx accepted with the key (to the minute)', ['domain' => 'apikeytab']),
      'add' => '1.1',
    ],
    'last_used_ip' => [
      'title' => ts('Last Used From', ['domain' => 'apikeytab']),
      'sql_type' => 'varchar(64)',
      'input_type' => 'Text',
      'description' => ts('The client address of that request (IPv4 or IPv6)', ['domain' => 'apikeytab']),
      'add' => '1.1',
    ],
    'expires_date' => [
      'title' => ts('Expires', ['domain' => 'apikeytab']),
      'sql_type' => 'datetime',
      'input_type' => 'Select Date',
      'description' => ts('When authx stops accepting the key; empty: never', ['domain' => 'apikeytab']),
      'add' => '1.1',
    ],
    'reminder_sent_date' => [
      'title' => ts('Reminder Sent', ['domain' => 'apikeytab']),
      'sql_type' => 'datetime',
      'input_type' => 'Select Date',
      'description' => ts('When the reminder before the end was sent', ['domain' => 'apikeytab']),
      'add' => '1.1',
    ],
  ],
];
