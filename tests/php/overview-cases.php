<?php
// The key overview page: its route (xml/Menu/apikeytab.xml), page class, template, Angular manifest
// and menu entry (managed/Navigation.mgd.php), checked under php-cli with CiviCRM replaced by
// civicrm-stubs.php (tests/php/harness.php).

use ApiKeyTabTests\World;

require __DIR__ . '/harness.php';

const MENU_XML = ROOT . '/xml/Menu/apikeytab.xml';
const PATH = 'civicrm/admin/apikeys';
const PAGE_CLASS = 'CRM_ApiKeyTab_Page_KeyOverview';
const MODULE = 'crmApiKeyOverview';
const KEY_PERMISSIONS = ['administer CiviCRM', 'edit api keys'];

/**
 * Fields of core's Navigation entity (schema/Core/Navigation.entityType.php in civicrm-core), with
 * the implicit join APIv4 offers on parent_id.
 */
const NAVIGATION_FIELDS = ['domain_id', 'label', 'name', 'url', 'icon', 'permission', 'permission_operator', 'parent_id',
  'parent_id.name', 'is_active', 'has_separator', 'weight'];

/**
 * The menu item for PATH, read the way CRM_Core_Menu::read() does: every child element becomes a
 * string, and access_arguments becomes [names, 'and'|'or'] ("," is AND, ";" is OR, nothing trimmed).
 */
function menuItem(): array {
  libxml_use_internal_errors(TRUE);
  $xml = simplexml_load_file(MENU_XML);
  expect($xml !== FALSE, 'xml/Menu/apikeytab.xml does not parse');
  $items = [];
  foreach ($xml->item as $item) {
    $fields = [];
    foreach ($item as $key => $value) {
      $fields[(string) $key] = (string) $value;
    }
    $items[$fields['path']] = $fields;
  }
  same([PATH], array_keys($items), 'paths of the menu file');
  $item = $items[PATH];
  $access = $item['access_arguments'];
  if (str_contains($access, ',')) {
    $item['access_arguments'] = [explode(',', $access), 'and'];
  }
  elseif (str_contains($access, ';')) {
    $item['access_arguments'] = [explode(';', $access), 'or'];
  }
  else {
    $item['access_arguments'] = [[$access], 'and'];
  }
  return $item;
}

function runPage(): void {
  $class = PAGE_CLASS;
  $page = new $class('API Keys', NULL);
  $page->run();
}

/**
 * The entry under Users and Permissions (tests/php/navigation-cases.php checks the file's others).
 */
function navigationRecord(): array {
  $records = require ROOT . '/managed/Navigation.mgd.php';
  $matches = array_values(array_filter($records, fn(array $record): bool => $record['name'] === 'Navigation_apikeytab_key_overview'));
  same(1, count($matches), 'records named Navigation_apikeytab_key_overview');
  return $matches[0];
}

$cases = [
  'the menu file routes civicrm/admin/apikeys to the page class, titled "API Keys"' => function (): void {
    given([], NULL, []);
    $item = menuItem();
    same(['path', 'page_callback', 'title', 'access_arguments'], array_keys($item), 'elements of the item');
    same(PAGE_CLASS, $item['page_callback'], 'page_callback');
    same('API Keys', $item['title'], 'title');
    expect(class_exists(PAGE_CLASS), 'the page class does not load through info.xml\'s classloader');
    expect(is_subclass_of(PAGE_CLASS, CRM_Core_Page::class), 'the page class does not extend CRM_Core_Page');
    // CRM_Core_Invoke builds a page for a callback naming "_Page", a form wrapper for "_Form".
    expect(str_contains($item['page_callback'], '_Page_') && !str_contains($item['page_callback'], '_Form'), 'core would not run the callback as a page');
  },

  'the route is open to "administer CiviCRM" OR "edit api keys", nothing else' => function (): void {
    given([], NULL, []);
    same([KEY_PERMISSIONS, 'or'], menuItem()['access_arguments'], 'access_arguments as core parses them');
  },

  'the page sets its title, loads crmApiKeyOverview and renders its template, assigning nothing' => function (): void {
    given(['edit api keys'], 2, [2 => 'Ab3xQ9rT7mK2pL8vN4wZ6yH1jF5dS0cX', 3 => 'Zq8WmR3tY6uI1oP4aS7dF0gH2jK5lX9c']);
    runPage();
    same(['API Keys'], World::$titles, 'titles');
    same([['API Keys', ['domain' => 'apikeytab']]], World::$translations, 'translated strings');
    same([MODULE], World::$loadedModules, 'Angular modules loaded');
    same(['CRM/ApiKeyTab/Page/KeyOverview.tpl'], World::$renderedTemplates, 'templates rendered');
    // The module asks APIv4 for each page itself, so nothing about any contact rides with the page.
    same([], World::$assigned, 'template variables');
    same([], World::$queries, 'contact queries');
    same([], World::$activityQueries, 'activity queries');
  },

  'the page hands the site\'s date formats and clock to the module as CRM.vars.apikeytab.siteTime' => function (): void {
    given(['edit api keys'], 2, []);
    World::$settings['dateformatDatetime'] = '%B %E%f, %Y %l:%M %P';
    World::$settings['dateformatTime'] = '%l:%M %P';
    World::$locale = 'fr_FR';
    World::$now = '2026-12-01 07:32:07';
    runPage();
    same(['apikeytab' => ['siteTime' => [
      'format' => '%B %E%f, %Y %l:%M %P',
      'time_format' => '%l:%M %P',
      'locale' => 'fr_FR',
      'now' => '2026-12-01 07:32:07',
    ], 'canAdminister' => FALSE, 'canEditAll' => FALSE]], World::$vars, 'CRM.vars');
    same([], World::$assigned, 'template variables');
  },

  'the page tells the module whether the viewer may open the expiry settings (administer CiviCRM or administer apikeytab)' => function (): void {
    given(['administer CiviCRM'], 2, []);
    runPage();
    same(TRUE, World::$vars['apikeytab']['canAdminister'], 'canAdminister for an administrator');
    given(['edit api keys'], 2, []);
    runPage();
    same(FALSE, World::$vars['apikeytab']['canAdminister'], 'canAdminister for a key reader');
    // The permission mixin setting-admin@1.0.0 declares opens the form's route too.
    given(['edit api keys', 'administer apikeytab'], 2, []);
    runPage();
    same(TRUE, World::$vars['apikeytab']['canAdminister'], 'canAdminister with "administer apikeytab"');
  },

  'the page tells the module whether the viewer may revoke any key (edit all contacts, wire 38)' => function (): void {
    given(['edit api keys', 'edit all contacts'], 2, []);
    runPage();
    same(TRUE, World::$vars['apikeytab']['canEditAll'], 'canEditAll with "edit all contacts"');
    given(['edit api keys'], 2, []);
    runPage();
    same(FALSE, World::$vars['apikeytab']['canEditAll'], 'canEditAll for a key reader without edit access');
  },

  'the template is the component inside <crm-angular-js>, with no Smarty tag at all' => function (): void {
    given([], NULL, []);
    $template = file_get_contents(ROOT . '/templates/CRM/ApiKeyTab/Page/KeyOverview.tpl');
    $markup = preg_replace('/\s+/', ' ', trim($template));
    same('<crm-angular-js modules="' . MODULE . '"> <crm-api-key-overview></crm-api-key-overview> </crm-angular-js>', $markup, 'template');
    expect(!str_contains($template, '{'), 'the template holds a Smarty tag');
  },

  'ang/crmApiKeyOverview.ang.php declares the module like the tab\'s, with files that exist' => function (): void {
    given([], NULL, []);
    $manifest = require ROOT . '/ang/crmApiKeyOverview.ang.php';
    same([
      'js' => ['js/crmApiKeyOverview.js'],
      'css' => ['css/crmApiKey.css'],
      'partials' => ['ang/crmApiKeyOverview'],
      'requires' => ['crmResource', 'api4'],
      'basePages' => [],
    ], $manifest, 'manifest');
    foreach ([...$manifest['js'], ...$manifest['css'], ...$manifest['partials']] as $path) {
      expect(file_exists(ROOT . '/' . $path), "$path does not exist");
    }
  },

  'managed/Navigation.mgd.php puts "API Keys" under Users and Permissions, for the route\'s permissions' => function (): void {
    given([], NULL, []);
    $record = navigationRecord();
    same(['name', 'entity', 'cleanup', 'update', 'params'], array_keys($record), 'keys of the record');
    same('Navigation', $record['entity'], 'entity');
    expect(in_array($record['cleanup'], ['always', 'never', 'unused'], TRUE), 'cleanup is not one core knows');
    expect(in_array($record['update'], ['always', 'never', 'unmodified'], TRUE), 'update is not one core knows');
    same(['version', 'values', 'match'], array_keys($record['params']), 'keys of params');
    same(4, $record['params']['version'], 'API version');
    same(['domain_id', 'name'], $record['params']['match'], 'match');
    $values = $record['params']['values'];
    same([], array_values(array_diff(array_keys($values), NAVIGATION_FIELDS)), 'values that are not Navigation fields');
    same('current_domain', $values['domain_id'], 'domain');
    same('Users and Permissions', $values['parent_id.name'], 'parent');
    same('API Keys', $values['label'], 'label');
    same(PATH . '?reset=1', $values['url'], 'url');
    same(KEY_PERMISSIONS, $values['permission'], 'permission');
    same('OR', $values['permission_operator'], 'permission_operator');
    same(TRUE, $values['is_active'], 'is_active');
    same([['API Keys', ['domain' => 'apikeytab']]], World::$translations, 'translated strings');
  },

  'the menu entry and the route agree on the permissions' => function (): void {
    given([], NULL, []);
    [$names, $operator] = menuItem()['access_arguments'];
    $values = navigationRecord()['params']['values'];
    same($names, $values['permission'], 'permissions');
    same(strtoupper($operator), $values['permission_operator'], 'operator');
  },
];

report($cases);
