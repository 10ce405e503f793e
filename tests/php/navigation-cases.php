<?php
// The overview's menu entries (managed/Navigation.mgd.php) against core's menu: who sees which
// entry, and that nobody sees one the route (xml/Menu/apikeytab.xml) would refuse.

use ApiKeyTabTests\World;

require __DIR__ . '/harness.php';

const OVERVIEW_URL = 'civicrm/admin/apikeys?reset=1';

/**
 * Core's menu items the entries may hang under, with their own permission and parent
 * (xml/templates/civicrm_navigation.tpl): Administer and Users and Permissions need
 * "administer CiviCRM" (README, "Menu parents"), the top-level Contacts and Search menus none.
 */
const CORE_MENU = [
  'Administer' => ['permission' => ['administer CiviCRM'], 'operator' => 'AND', 'parent' => NULL],
  'Users and Permissions' => ['permission' => ['administer CiviCRM'], 'operator' => 'AND', 'parent' => 'Administer'],
  'Contacts' => ['permission' => [], 'operator' => '', 'parent' => NULL],
  'Search' => ['permission' => [], 'operator' => '', 'parent' => NULL],
];

/**
 * Viewers and their permissions: who the page lets in is decided by the route, below.
 */
const VIEWERS = [
  'administrator' => ['access CiviCRM', 'administer CiviCRM', 'edit all contacts', 'edit api keys'],
  'key reader (edit api keys alone)' => ['access CiviCRM', 'edit api keys'],
  'staff without key permissions' => ['access CiviCRM', 'view all contacts', 'edit all contacts'],
  'self-service user' => ['access CiviCRM', 'edit own api keys', 'edit my contact'],
];

function entries(): array {
  given([], NULL, []);
  return require ROOT . '/managed/Navigation.mgd.php';
}

/**
 * An item's own permission test, as core's menu applies it: no permission passes; otherwise
 * all of them (AND) or any (OR).
 */
function passes(array $permissions, string $operator, array $held): bool {
  if ($permissions === []) {
    return TRUE;
  }
  $results = array_map(fn(string $permission): bool => in_array($permission, $held, TRUE), $permissions);
  return $operator === 'OR' ? in_array(TRUE, $results, TRUE) : !in_array(FALSE, $results, TRUE);
}

/**
 * Whether a viewer sees the entry: its own permission and that of every parent up to the top.
 */
function sees(array $entry, array $held): bool {
  $values = $entry['params']['values'];
  if (!passes($values['permission'], $values['permission_operator'], $held)) {
    return FALSE;
  }
  for ($parent = $values['parent_id.name']; $parent !== NULL; $parent = CORE_MENU[$parent]['parent']) {
    expect(array_key_exists($parent, CORE_MENU), "the parent '$parent' is not a core menu item");
    if (!passes(CORE_MENU[$parent]['permission'], CORE_MENU[$parent]['operator'], $held)) {
      return FALSE;
    }
  }
  return TRUE;
}

/**
 * Whether the route lets the viewer in: access_arguments "a;b" is OR (CRM_Core_Menu::read()).
 */
function routeAdmits(array $held): bool {
  $access = (string) simplexml_load_file(ROOT . '/xml/Menu/apikeytab.xml')->item[0]->access_arguments;
  return passes(explode(';', $access), 'OR', $held);
}

$cases = [
  'two entries for the overview: under Users and Permissions and under Contacts' => function (): void {
    $entries = entries();
    same(['Navigation_apikeytab_key_overview', 'Navigation_apikeytab_key_overview_contacts'], array_column($entries, 'name'), 'entries');
    same(['Users and Permissions', 'Contacts'], array_map(fn(array $entry) => $entry['params']['values']['parent_id.name'], $entries), 'parents');
    foreach ($entries as $entry) {
      $values = $entry['params']['values'];
      same(['name', 'entity', 'cleanup', 'update', 'params'], array_keys($entry), 'keys of the record');
      same('Navigation', $entry['entity'], 'entity');
      same(['domain_id', 'name'], $entry['params']['match'], 'match');
      same('Navigation_' . $values['name'], $entry['name'], 'managed name');
      same('current_domain', $values['domain_id'], 'domain');
      same('API Keys', $values['label'], 'label');
      same(OVERVIEW_URL, $values['url'], 'url');
      same(['administer CiviCRM', 'edit api keys'], $values['permission'], 'permission');
      same('OR', $values['permission_operator'], 'permission_operator');
      same(TRUE, $values['is_active'], 'is_active');
    }
    same([['API Keys', ['domain' => 'apikeytab']]], World::$translations, 'translated strings');
  },

  'a user with "edit api keys" alone sees an entry (under Contacts); an administrator sees both' => function (): void {
    $entries = entries();
    $seen = fn(string $viewer): array => array_values(array_map(fn(array $entry) => $entry['params']['values']['parent_id.name'],
      array_filter($entries, fn(array $entry): bool => sees($entry, VIEWERS[$viewer]))));
    same(['Contacts'], $seen('key reader (edit api keys alone)'), 'entries the key reader sees');
    same(['Users and Permissions', 'Contacts'], $seen('administrator'), 'entries the administrator sees');
  },

  'nobody the page refuses sees an entry, and everyone it admits sees one' => function (): void {
    $entries = entries();
    foreach (VIEWERS as $viewer => $held) {
      $visible = array_filter($entries, fn(array $entry): bool => sees($entry, $held));
      same(routeAdmits($held), $visible !== [], "$viewer: sees an entry exactly when the route admits them");
    }
  },
];

report($cases);
