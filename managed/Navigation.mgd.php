<?php
// The menu entry for the key overview, under Administer > Users and Permissions (core names that
// parent 'Users and Permissions' in xml/templates/civicrm_navigation.tpl).
// The same permissions as the route in xml/Menu/apikeytab.xml, so that nobody sees a link the page
// would refuse. 'unmodified': an administrator who moves or renames the entry keeps the change.
return [
  [
    'name' => 'Navigation_apikeytab_key_overview',
    'entity' => 'Navigation',
    'cleanup' => 'always',
    'update' => 'unmodified',
    'params' => [
      'version' => 4,
      'values' => [
        'domain_id' => 'current_domain',
        'parent_id.name' => 'Users and Permissions',
        'name' => 'apikeytab_key_overview',
        'label' => ts('API Keys', ['domain' => 'apikeytab']),
        'url' => 'civicrm/admin/apikeys?reset=1',
        'icon' => 'crm-i fa-key',
        'permission' => ['administer CiviCRM', 'edit api keys'],
        'permission_operator' => 'OR',
        'is_active' => TRUE,
      ],
      'match' => ['domain_id', 'name'],
    ],
  ],
];
