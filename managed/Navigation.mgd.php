<?php
// The menu entries for the key overview, both with the permissions of the route in
// xml/Menu/apikeytab.xml, so that nobody sees a link the page would refuse.
// - Under Administer > Users and Permissions, where administrators look for it (core names that
//   parent 'Users and Permissions' in xml/templates/civicrm_navigation.tpl).
// - Under Contacts, for users with "edit api keys" alone: core shows a child only to users who may
//   see every parent, and Administer and Users and Permissions need "administer CiviCRM"; the
//   top-level Contacts menu needs no permission of its own (civicrm_navigation.tpl).
// 'unmodified': an administrator who moves or renames an entry keeps the change.
$label = ts('API Keys', ['domain' => 'apikeytab']);
$entry = function (string $name, string $parent, int $weight) use ($label): array {
  return [
    'name' => 'Navigation_' . $name,
    'entity' => 'Navigation',
    'cleanup' => 'always',
    'update' => 'unmodified',
    'params' => [
      'version' => 4,
      'values' => [
        'domain_id' => 'current_domain',
        'parent_id.name' => $parent,
        'name' => $name,
        'label' => $label,
        'url' => 'civicrm/admin/apikeys?reset=1',
        'icon' => 'crm-i fa-key',
        'permission' => ['administer CiviCRM', 'edit api keys'],
        'permission_operator' => 'OR',
        'is_active' => TRUE,
      ] + ($weight > 0 ? ['weight' => $weight] : []),
      'match' => ['domain_id', 'name'],
    ],
  ];
};

return [
  $entry('apikeytab_key_overview', 'Users and Permissions', 0),
  // After core's own entries under Contacts (the last, Find and Merge Duplicate Contacts, is 13).
  $entry('apikeytab_key_overview_contacts', 'Contacts', 20),
];
