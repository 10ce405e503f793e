<?php
// The tab subscriber's decisions and the tab template, checked under php-cli with CiviCRM replaced
// by civicrm-stubs.php (tests/php/harness.php). tests/php/php.test.ts makes a test of each case and
// fails if the list is not exactly the one it expects.

use ApiKeyTabTests\World;
use Civi\ApiKeyTab\Tab\ContactTab;
use Civi\ApiKeyTab\Audit\KeyAudit;
use Civi\Core\Event\GenericHookEvent;
use Civi\Core\Service\AutoSubscriber;

require __DIR__ . '/harness.php';

const TEMPLATE = ROOT . '/templates/apikeytab/ApiKeyTab.tpl';
const BINDINGS = ['contact_id', 'has_key', 'can_view', 'key_hint', 'last_change', 'can_edit', 'in_trash', 'site_time', 'lifecycle', 'token'];
/** Nothing recorded about the key (no row in civicrm_apikeytab_key), no expiry settings: tests/php/lifecycle-tab-cases.php covers the rest. */
const UNRECORDED = ['last_used' => NULL, 'usage_since' => NULL, 'expires' => NULL, 'policy' => ['default_days' => NULL, 'max_days' => NULL, 'notice_days' => 7]];
/** When the site began recording key use (TrackingStart, saved at install). */
const TRACKING_SINCE = '2026-11-20 10:00:00';
/** An administrator as core sets one up: every permission, so also edit access to every contact. */
const ADMIN_PERMISSIONS = ['administer CiviCRM', 'edit all contacts'];
/** The site's clock and formats (core's defaults for dateformatDatetime and dateformatTime). */
const SITE_TIME = ['format' => '%B %E%f, %Y %l:%M %P', 'time_format' => '%l:%M %P', 'locale' => 'en_US', 'now' => '2026-12-01 08:30:00'];
const ADMIN = 2;
const JANE = 3;
const STAFF = 4;
const SELF_SERVICE = 5;
const KEY = 'Ab3xQ9rT7mK2pL8vN4wZ6yH1jF5dS0cX';
const HOSTILE_KEY = '"><script>x</script>{{1+1}}';
const SUMMARY_TAB = ['id' => 'summary', 'title' => 'Summary', 'weight' => 0, 'icon' => 'crm-i fa-address-card-o'];
/** Another template tab, as a stale loop variable may hold it while ours renders. */
const OTHER_TEMPLATE_TAB = ['id' => 'afsearchTab', 'title' => 'Notes', 'template' => 'afform/contactSummary/AfformTab.tpl', 'contact_id' => 99, 'has_key' => 'stale'];

/**
 * A site as the tab sees it: the viewer, the keys, and core's default date formats.
 */
function site(array $permissions, $loggedInContactId, array $apiKeys): void {
  given($permissions, $loggedInContactId, $apiKeys);
  World::$settings['dateformatDatetime'] = SITE_TIME['format'];
  World::$settings['dateformatTime'] = SITE_TIME['time_format'];
  World::$locale = SITE_TIME['locale'];
  World::$now = SITE_TIME['now'];
  World::$settings['apikeytab_usage_since'] = TRACKING_SINCE;
}

/**
 * Calls the subscriber as core's dispatcher would for CRM_Utils_Hook::tabset(), with `tabs` passed
 * by reference, and returns the tabs as the caller sees them afterwards.
 */
function tabset(string $tabsetName, array $context, array $tabs = [SUMMARY_TAB]): array {
  $event = GenericHookEvent::create(['tabsetName' => $tabsetName, 'tabs' => &$tabs, 'context' => $context]);
  $method = ContactTab::getSubscribedEvents()['hook_civicrm_tabset'];
  (new ContactTab())->$method($event);
  return $tabs;
}

function viewContact(int $contactId): array {
  return tabset('civicrm/contact/view', ['contact_id' => $contactId, 'contact_type' => 'Individual', 'contact_sub_type' => []]);
}

/**
 * The single entry the subscriber added after core's summary tab.
 */
function apiKeyTab(array $tabs): array {
  same(SUMMARY_TAB, $tabs[0] ?? NULL, 'the tab that was already there');
  same(2, count($tabs), 'number of tabs');
  return $tabs[1];
}

function fullTab(int $contactId, bool $hasKey, bool $canView, ?string $hint, ?array $lastChange = NULL, bool $canEdit = TRUE, bool $inTrash = FALSE): array {
  return [
    'id' => 'apikey',
    'title' => 'API Key',
    'icon' => 'crm-i fa-key',
    'weight' => 900,
    'count' => $hasKey ? 1 : 0,
    'template' => 'apikeytab/ApiKeyTab.tpl',
    'contact_id' => $contactId,
    'has_key' => $hasKey,
    'can_view' => $canView,
    'key_hint' => $hint,
    'last_change' => $lastChange,
    'can_edit' => $canEdit,
    'in_trash' => $inTrash,
    'site_time' => SITE_TIME,
    // A key without a row (these sites have none): its use is known since recording began.
    'lifecycle' => $hasKey ? array_replace(UNRECORDED, ['usage_since' => TRACKING_SINCE]) : UNRECORDED,
    // None of these viewers has "generate any authx credential": tests/php/token-cases.php has those.
    'token' => NULL,
  ];
}

function keyLookup(int $contactId): array {
  return [['checkPermissions' => FALSE, 'select' => ['api_key', 'is_deleted'], 'where' => [['id', '=', $contactId]]]];
}

/**
 * The newest key-change activity whose target is the contact, with its source's name, through
 * explicit ActivityContact joins (source_contact_id.display_name is silently dropped by APIv4).
 */
function lastChangeQuery(int $contactId): array {
  return [
    'checkPermissions' => FALSE,
    'select' => ['activity_date_time', 'source.display_name'],
    'join' => [
      ['Contact AS target', 'INNER', 'ActivityContact', ['id', '=', 'target.activity_id'], ['target.record_type_id:name', '=', '"Activity Targets"']],
      ['Contact AS source', 'LEFT', 'ActivityContact', ['id', '=', 'source.activity_id'], ['source.record_type_id:name', '=', '"Activity Source"']],
    ],
    'where' => [['activity_type_id:name', '=', KeyAudit::ACTIVITY_TYPE], ['target.id', '=', $contactId]],
    'orderBy' => ['activity_date_time' => 'DESC', 'id' => 'DESC'],
    'limit' => 1,
  ];
}

function noTab(array $tabs): void {
  same([SUMMARY_TAB], $tabs, 'tabs');
  same([], World::$queries, 'queries');
  same([], World::$activityQueries, 'activity queries');
  same([], World::$loadedModules, 'Angular modules loaded');
}

/**
 * No string anywhere in the tabs may contain the key (the hint is shorter than any real key).
 */
function keyAbsent(array $tabs, string $key): void {
  array_walk_recursive($tabs, function ($value) use ($key): void {
    expect(!is_string($value) || !str_contains($value, $key), 'the full key reached the tab entry');
  });
}

/**
 * The first line of the template: it takes the entry from $block when that is our tab (6.x),
 * else from $tabValue (5.x), into $apiKeyTab.
 */
const PICK_ENTRY = "{if isset(\$block.id) and \$block.id eq 'apikey'}{assign var='apiKeyTab' value=\$block}{else}{assign var='apiKeyTab' value=\$tabValue}{/if}";

const TAG = '/\{\$apiKeyTab\.(\w+)\|@json\|escape\}/';

/**
 * How the two generations of core hand a template tab its entry. 5.x's Summary.tpl includes the
 * template inside {foreach from=$allTabs item=tabValue}; 6.x names the loop variable $block. Each
 * also with a stale variable of the other name left by some other loop, which must not win.
 *
 * @return array<string, array<string, mixed>> template variables by way of handing
 */
function handings(array $entry): array {
  return [
    '5.x ($tabValue)' => ['tabValue' => $entry],
    '5.x ($tabValue, a stale $block of another tab)' => ['tabValue' => $entry, 'block' => OTHER_TEMPLATE_TAB],
    '6.x ($block)' => ['block' => $entry],
    '6.x ($block, a stale $tabValue of another tab)' => ['block' => $entry, 'tabValue' => OTHER_TEMPLATE_TAB],
  ];
}

/**
 * Renders the template exactly as Smarty 5 compiles it: comments dropped, PICK_ENTRY evaluated
 * (isset() of a key of a variable that is not set is FALSE), and each
 * `{$apiKeyTab.NAME|@json|escape}` as CiviCRM's `json` modifier, json_encode($data)
 * (CRM/Core/Smarty/plugins/modifier.json.php), then Smarty's `escape` (default 'html'),
 * htmlspecialchars((string) $x, ENT_QUOTES, 'UTF-8', TRUE) (smarty
 * src/Compile/Modifier/EscapeModifierCompiler.php). Anything else in braces fails the case.
 */
function render(array $vars): string {
  $template = preg_replace('/\{\*.*?\*\}\n?/s', '', file_get_contents(TEMPLATE));
  expect(str_starts_with($template, PICK_ENTRY . "\n"), 'the template does not start by picking its entry as the emulation knows it');
  $template = substr($template, strlen(PICK_ENTRY) + 1);
  $entry = (isset($vars['block']['id']) && $vars['block']['id'] === 'apikey') ? $vars['block'] : ($vars['tabValue'] ?? NULL);
  expect(is_array($entry), 'no entry reaches the template');
  $html = preg_replace_callback(TAG, function (array $tag) use ($entry): string {
    expect(array_key_exists($tag[1], $entry), "the template reads \$apiKeyTab.{$tag[1]}, which the entry lacks");
    return htmlspecialchars((string) json_encode($entry[$tag[1]]), ENT_QUOTES, 'UTF-8', TRUE);
  }, $template);
  expect(strpbrk(preg_replace(TAG, '', $template), '{}') === FALSE, 'the template has Smarty syntax the emulation does not know');
  return $html;
}

/**
 * The attributes of <crm-api-key-tab> in rendered HTML, parsed as a browser would, after checking
 * what surrounds it and that no script or "{{" got in.
 *
 * @return array<string, string>
 */
function componentAttributes(string $html): array {
  $dom = new DOMDocument();
  libxml_use_internal_errors(TRUE);
  $dom->loadHTML('<!DOCTYPE html><meta charset="utf-8"><body>' . $html . '</body>');
  libxml_clear_errors();

  same(0, $dom->getElementsByTagName('script')->length, 'script elements in the rendered tab');
  // Angular interpolates {{ }} in any attribute before a binding reads it.
  foreach ($dom->getElementsByTagName('*') as $element) {
    foreach ($element->attributes as $attribute) {
      expect(!str_contains($attribute->value, '{{'), "\"{{\" in attribute {$attribute->name} of <{$element->nodeName}>");
    }
  }
  $components = $dom->getElementsByTagName('crm-api-key-tab');
  same(1, $components->length, 'crm-api-key-tab elements');
  $component = $components->item(0);
  same('crm-angular-js', $component->parentNode->nodeName, 'element around the component');
  same('crmApiKey', $component->parentNode->getAttribute('modules'), 'modules of crm-angular-js');

  $attributes = [];
  foreach ($component->attributes as $attribute) {
    $attributes[$attribute->name] = $attribute->value;
  }
  return $attributes;
}

/**
 * Quotes, markup, an entity, an escaped quote, Cyrillic and an emoji. Braces are left out: no
 * escaping can stop Angular's interpolation, so the subscriber breaks every "{{" before the
 * template sees it (the hostile name case).
 */
const HOSTILE_TEXT = '"\'><script>alert(1)</script>{constructor}&amp;</crm-angular-js>\\u0022 ключ 🔑';

/**
 * A tab entry with HOSTILE_TEXT in every string binding but token.
 */
function hostileEntry(): array {
  return [
    'id' => 'apikey',
    'contact_id' => 3,
    'has_key' => TRUE,
    'can_view' => FALSE,
    'key_hint' => HOSTILE_TEXT,
    'last_change' => ['date' => '2026-11-30 12:00:00', 'by' => HOSTILE_TEXT],
    'can_edit' => FALSE,
    'in_trash' => TRUE,
    'site_time' => ['format' => HOSTILE_TEXT, 'time_format' => HOSTILE_TEXT, 'locale' => HOSTILE_TEXT, 'now' => HOSTILE_TEXT],
    'lifecycle' => ['last_used' => ['date' => HOSTILE_TEXT, 'ip' => HOSTILE_TEXT], 'usage_since' => HOSTILE_TEXT, 'expires' => HOSTILE_TEXT, 'policy' => ['default_days' => 90, 'max_days' => NULL, 'notice_days' => 7]],
  ];
}

/**
 * Checks each binding reads back as the JSON of its value (what Angular's one-way binding then
 * evaluates), from the template rendered the way $render renders it, handed the entry each way.
 */
function roundTrip(array $entry, ?callable $render = NULL): void {
  $render ??= 'render';
  $expected = [];
  foreach (BINDINGS as $name) {
    $expected[str_replace('_', '-', $name)] = json_encode($entry[$name]);
  }
  foreach (handings($entry) as $handing => $vars) {
    $attributes = componentAttributes($render($vars));
    same($expected, $attributes, "attributes of crm-api-key-tab, handed as $handing");
    foreach (BINDINGS as $name) {
      same($entry[$name], json_decode($attributes[str_replace('_', '-', $name)], TRUE), "$name decoded from its attribute, handed as $handing");
    }
  }
}

$cases = [
  'subscribes to hook_civicrm_tabset as an AutoSubscriber' => function (): void {
    expect(is_subclass_of(ContactTab::class, AutoSubscriber::class), 'ContactTab does not extend AutoSubscriber');
    same(['hook_civicrm_tabset' => 'onTabset'], ContactTab::getSubscribedEvents(), 'subscribed events');
    expect((new ReflectionMethod(ContactTab::class, 'onTabset'))->isPublic(), 'onTabset is not public');
  },

  'admin on another contact with a key: tab, count 1, last 4 characters, module loaded' => function (): void {
    site(ADMIN_PERMISSIONS, ADMIN, [JANE => KEY]);
    $tabs = viewContact(JANE);
    same(fullTab(JANE, TRUE, TRUE, 'S0cX'), apiKeyTab($tabs), 'tab');
    same(keyLookup(JANE), World::$queries, 'queries');
    same(['crmApiKey'], World::$loadedModules, 'Angular modules loaded');
    same([lastChangeQuery(JANE)], World::$activityQueries, 'activity queries');
    same([[JANE, CRM_Core_Permission::EDIT]], World::$accessChecks, 'edit access asked of core');
    same([['API Key', ['domain' => 'apikeytab']]], World::$translations, 'translated strings');
    keyAbsent($tabs, KEY);
  },

  'admin on a contact without a key: count 0, no hint' => function (): void {
    site(ADMIN_PERMISSIONS, ADMIN, [JANE => NULL]);
    same(fullTab(JANE, FALSE, TRUE, NULL), apiKeyTab(viewContact(JANE)), 'tab');
    same(keyLookup(JANE), World::$queries, 'queries');
    same(['crmApiKey'], World::$loadedModules, 'Angular modules loaded');
  },

  'an empty key counts as no key' => function (): void {
    site(ADMIN_PERMISSIONS, ADMIN, [JANE => '']);
    same(fullTab(JANE, FALSE, TRUE, NULL), apiKeyTab(viewContact(JANE)), 'tab');
  },

  '"edit api keys" with "edit all contacts": full tab on any contact' => function (): void {
    site(['access CiviCRM', 'edit api keys', 'edit all contacts'], STAFF, [JANE => KEY]);
    $tabs = viewContact(JANE);
    same(fullTab(JANE, TRUE, TRUE, 'S0cX'), apiKeyTab($tabs), 'tab');
    same(['crmApiKey'], World::$loadedModules, 'Angular modules loaded');
    keyAbsent($tabs, KEY);
  },

  '"edit api keys" without edit access to the contact (wire 38, 39): the tab, read-only' => function (): void {
    // Core lets this viewer read the key and refuses every change with a 403.
    site(['access CiviCRM', 'view all contacts', 'edit api keys'], STAFF, [JANE => KEY]);
    $tabs = viewContact(JANE);
    same(fullTab(JANE, TRUE, TRUE, 'S0cX', NULL, FALSE), apiKeyTab($tabs), 'tab');
    same(keyLookup(JANE), World::$queries, 'queries');
    same([[JANE, CRM_Core_Permission::EDIT]], World::$accessChecks, 'edit access asked of core');
    same(['crmApiKey'], World::$loadedModules, 'Angular modules loaded');
  },

  '"edit api keys" with edit access through an ACL or relationship: may change' => function (): void {
    site(['access CiviCRM', 'edit api keys'], STAFF, [JANE => KEY, 7 => KEY]);
    World::$aclEditable = [JANE];
    same(TRUE, apiKeyTab(viewContact(JANE))['can_edit'], 'can_edit on a contact the ACL opens');
    same(FALSE, apiKeyTab(viewContact(7))['can_edit'], 'can_edit on one it does not');
  },

  '"administer CiviCRM" alone, without edit access: read-only too' => function (): void {
    site(['administer CiviCRM'], ADMIN, [JANE => KEY]);
    same(fullTab(JANE, TRUE, TRUE, 'S0cX', NULL, FALSE), apiKeyTab(viewContact(JANE)), 'tab');
  },

  'self-service user without "edit my contact": their own tab, read-only' => function (): void {
    site(['access CiviCRM', 'edit own api keys', 'view my contact'], SELF_SERVICE, [SELF_SERVICE => KEY]);
    same(fullTab(SELF_SERVICE, TRUE, FALSE, NULL, NULL, FALSE), apiKeyTab(viewContact(SELF_SERVICE)), 'tab');
    same([[SELF_SERVICE, CRM_Core_Permission::EDIT]], World::$accessChecks, 'edit access asked of core');
  },

  'edit access check failing: the tab shows read-only, and the error is logged' => function (): void {
    site(ADMIN_PERMISSIONS, ADMIN, [JANE => KEY]);
    World::$accessCheckFailure = new RuntimeException('Table civicrm_acl_contact_cache is full');
    same(fullTab(JANE, TRUE, TRUE, 'S0cX', NULL, FALSE), apiKeyTab(viewContact(JANE)), 'tab');
    same(1, count(World::$log), 'log entries');
    same(JANE, World::$log[0][2]['contact'], 'contact named in the log');
  },

  'trashed contact: in_trash, read from the same single Contact.get' => function (): void {
    site(ADMIN_PERMISSIONS, ADMIN, [JANE => KEY, 7 => NULL]);
    World::$trashed = [JANE, 7];
    same(fullTab(JANE, TRUE, TRUE, 'S0cX', NULL, TRUE, TRUE), apiKeyTab(viewContact(JANE)), 'tab of a trashed contact with a key');
    same(keyLookup(JANE), World::$queries, 'queries');
    same(TRUE, apiKeyTab(viewContact(7))['in_trash'], 'in_trash without a key');
    World::$trashed = [];
    same(FALSE, apiKeyTab(viewContact(JANE))['in_trash'], 'in_trash once restored');
  },

  'site time: the site\'s date-time and time formats, its locale and its clock, site-local' => function (): void {
    site(ADMIN_PERMISSIONS, ADMIN, [JANE => KEY]);
    World::$settings['dateformatDatetime'] = '%e/%m/%Y %H:%M';
    World::$settings['dateformatTime'] = '%H:%M';
    World::$locale = 'fr_FR';
    World::$now = '2026-12-31 23:59:58';
    same(['format' => '%e/%m/%Y %H:%M', 'time_format' => '%H:%M', 'locale' => 'fr_FR', 'now' => '2026-12-31 23:59:58'],
      apiKeyTab(viewContact(JANE))['site_time'], 'site_time');
  },

  'site time: the tab and the key overview hand over the same thing, from one function (Civi\\ApiKeyTab\\SiteTime)' => function (): void {
    site(ADMIN_PERMISSIONS, ADMIN, [JANE => KEY]);
    World::$settings['dateformatDatetime'] = '%B %E%f, %Y %l:%M %P';
    World::$settings['dateformatTime'] = '%l:%M %P';
    World::$now = '2026-12-01 07:32:07';
    same(\Civi\ApiKeyTab\SiteTime::binding(), apiKeyTab(viewContact(JANE))['site_time'], 'the tab\'s site_time');
    expect(!method_exists(\Civi\ApiKeyTab\Tab\ContactTab::class, 'siteTime'), 'no copy in the tab');
    expect(!method_exists('CRM_ApiKeyTab_Page_KeyOverview', 'siteTime'), 'no copy in the overview page');
  },

  'self-service user on their own contact: tab without a hint although a key is set' => function (): void {
    // Older cores return the session's value unconverted: a numeric string.
    site(['access CiviCRM', 'edit own api keys', 'edit my contact'], (string) SELF_SERVICE, [SELF_SERVICE => KEY]);
    $tabs = viewContact(SELF_SERVICE);
    same(fullTab(SELF_SERVICE, TRUE, FALSE, NULL), apiKeyTab($tabs), 'tab');
    same(keyLookup(SELF_SERVICE), World::$queries, 'queries');
    same(['crmApiKey'], World::$loadedModules, 'Angular modules loaded');
    keyAbsent($tabs, substr(KEY, -4));
  },

  'self-service user on someone else\'s contact: no tab, no query, no module' => function (): void {
    site(['access CiviCRM', 'edit own api keys'], SELF_SERVICE, [JANE => KEY, SELF_SERVICE => KEY]);
    noTab(viewContact(JANE));
  },

  'no key permission, even on their own contact: no tab, no query, no module' => function (): void {
    site(['access CiviCRM', 'view all contacts', 'edit all contacts'], STAFF, [STAFF => KEY]);
    noTab(viewContact(STAFF));
  },

  'nobody logged in: "edit own api keys" matches no contact' => function (): void {
    site(['edit own api keys'], NULL, [JANE => KEY]);
    noTab(viewContact(JANE));
  },

  'no contact in the context: no tab, nothing asked' => function (): void {
    site(ADMIN_PERMISSIONS, ADMIN, [JANE => KEY]);
    noTab(tabset('civicrm/contact/view', []));
  },

  'Contact Layout editor: the entry alone, no query, no module' => function (): void {
    site([], ADMIN, [JANE => KEY]);
    $tabs = tabset('civicrm/contact/view', ['contact_id' => 0, 'caller' => 'ContactLayout']);
    same(['id' => 'apikey', 'title' => 'API Key', 'icon' => 'crm-i fa-key', 'weight' => 900], apiKeyTab($tabs), 'tab');
    same([], World::$queries, 'queries');
    same([], World::$activityQueries, 'activity queries');
    same([], World::$loadedModules, 'Angular modules loaded');
    same([], World::$permissionChecks, 'permission checks');
  },

  'another tabset, even one naming a contact: tabs untouched, nothing asked' => function (): void {
    site(ADMIN_PERMISSIONS, ADMIN, [JANE => KEY]);
    $eventTabs = [['id' => 'settings', 'title' => 'Info and Settings']];
    same($eventTabs, tabset('civicrm/event/manage', ['event_id' => 1, 'contact_id' => JANE], $eventTabs), 'tabs');
    same([], World::$queries, 'queries');
    same([], World::$permissionChecks, 'permission checks');
    same([], World::$loadedModules, 'Angular modules loaded');
  },

  'hostile key: the hint is its last 4 characters, and the key stays out' => function (): void {
    site(ADMIN_PERMISSIONS, ADMIN, [JANE => HOSTILE_KEY]);
    $tabs = viewContact(JANE);
    same(fullTab(JANE, TRUE, TRUE, '+1}}'), apiKeyTab($tabs), 'tab');
    keyAbsent($tabs, HOSTILE_KEY);
  },

  'multibyte key: the hint is the last 4 characters, not bytes' => function (): void {
    site(ADMIN_PERMISSIONS, ADMIN, [JANE => 'clé-Ключ-日本語🔑']);
    // Cut by bytes, the last 4 would be the key emoji alone; cut inside it, not even UTF-8.
    same('日本語🔑', apiKeyTab(viewContact(JANE))['key_hint'], 'hint');
  },

  'a key shorter than 4 characters is its own hint' => function (): void {
    site(ADMIN_PERMISSIONS, ADMIN, [JANE => 'ab']);
    same('ab', apiKeyTab(viewContact(JANE))['key_hint'], 'hint');
  },

  'last change: the newest key-change activity on the contact, in 2 queries per page view' => function (): void {
    site(ADMIN_PERMISSIONS, ADMIN, [JANE => KEY]);
    World::$activityRows = [['id' => 41, 'activity_date_time' => '2026-12-01 09:30:00', 'source.display_name' => 'Standalone Admin']];
    $tab = apiKeyTab(viewContact(JANE));
    same(fullTab(JANE, TRUE, TRUE, 'S0cX', ['date' => '2026-12-01 09:30:00', 'by' => 'Standalone Admin']), $tab, 'tab');
    same(keyLookup(JANE), World::$queries, 'queries');
    same([lastChangeQuery(JANE)], World::$activityQueries, 'activity queries');
    roundTrip($tab);
  },

  'last change by a contact deleted since: by is null' => function (): void {
    site(['access CiviCRM', 'edit own api keys'], SELF_SERVICE, [SELF_SERVICE => KEY]);
    World::$activityRows = [['id' => 7, 'activity_date_time' => '2026-12-01 09:30:00', 'source.display_name' => NULL]];
    same(['date' => '2026-12-01 09:30:00', 'by' => NULL], apiKeyTab(viewContact(SELF_SERVICE))['last_change'], 'last change');
    same([lastChangeQuery(SELF_SERVICE)], World::$activityQueries, 'activity queries');
  },

  'last change lookup failing: the tab shows without it, and the error is logged' => function (): void {
    site(ADMIN_PERMISSIONS, ADMIN, [JANE => KEY]);
    World::$activityGetFailure = new RuntimeException('Illegal activity type');
    same(fullTab(JANE, TRUE, TRUE, 'S0cX'), apiKeyTab(viewContact(JANE)), 'tab');
    same(['crmApiKey'], World::$loadedModules, 'Angular modules loaded');
    same(1, count(World::$log), 'log entries');
    same('error', World::$log[0][0], 'log level');
    same(JANE, World::$log[0][2]['contact'], 'contact named in the log');
  },

  'key lookup failing: no tab, no module, the contact summary still renders, and the error is logged' => function (): void {
    site(ADMIN_PERMISSIONS, ADMIN, [JANE => KEY]);
    World::$contactGetFailure = new RuntimeException('MySQL server has gone away');
    same([SUMMARY_TAB], viewContact(JANE), 'tabs');
    same([], World::$loadedModules, 'Angular modules loaded');
    same(1, count(World::$log), 'log entries');
    same(JANE, World::$log[0][2]['contact'], 'contact named in the log');
    expect(!str_contains(json_encode(World::$log), KEY), 'the key is not in the log');
  },

  'hostile contact name, key and date: no "{{" reaches an attribute, and the text reads the same' => function (): void {
    $name = "{{constructor.constructor('alert(1)')()}} {{{x}}} {";
    site(ADMIN_PERMISSIONS, ADMIN, [JANE => 'Ab3xQ9rT7mK2pL8vN4wZ6yH1jF5d{{{1']);
    World::$activityRows = [['id' => 1, 'activity_date_time' => '{{1+1}}', 'source.display_name' => $name]];
    $tab = apiKeyTab(viewContact(JANE));
    $visible = fn(string $text): string => str_replace("\u{200B}", '', $text);
    same($name, $visible($tab['last_change']['by']), 'the name as read');
    same('{{1+1}}', $visible($tab['last_change']['date']), 'the date as read');
    same('{{{1', $visible($tab['key_hint']), 'the hint as read');
    array_walk_recursive($tab, function ($value): void {
      expect(!is_string($value) || !str_contains($value, '{{'), 'a string in the entry holds "{{"');
    });
    roundTrip($tab);
  },

  'template picks its entry ($block on 6.x, $tabValue on 5.x), then holds only {$apiKeyTab.NAME|@json|escape} tags (Smarty 2-5 safe)' => function (): void {
    $template = preg_replace('/\{\*.*?\*\}\n?/s', '', file_get_contents(TEMPLATE));
    same(1, substr_count($template, PICK_ENTRY), 'the line that picks the entry');
    preg_match_all(TAG, $template, $tags);
    same(BINDINGS, $tags[1], 'bindings the template passes');
    $rest = preg_replace(TAG, '', str_replace(PICK_ENTRY, '', $template));
    expect(strpbrk($rest, '{}') === FALSE, 'the template has other Smarty syntax (or a literal brace Smarty would parse)');
  },

  'template handed the entry as 5.x core does ($tabValue): no binding is null (the 1.0 template read $block only)' => function (): void {
    site(ADMIN_PERMISSIONS, ADMIN, [JANE => KEY]);
    $attributes = componentAttributes(render(['tabValue' => apiKeyTab(viewContact(JANE))]));
    same('3', $attributes['contact-id'], 'contact-id');
    same('true', $attributes['has-key'], 'has-key');
    same('"S0cX"', $attributes['key-hint'], 'key-hint');
  },

  'template carries the subscriber\'s entry for a hostile key through |@json|escape' => function (): void {
    site(ADMIN_PERMISSIONS, ADMIN, [JANE => HOSTILE_KEY]);
    roundTrip(apiKeyTab(viewContact(JANE)));
  },

  'template carries hostile values of every kind through |@json|escape' => function (): void {
    roundTrip(hostileEntry() + ['token' => ['signing' => TRUE]]);
  },
];

// The real-Smarty scripts (smarty3-cases.php, smarty4-cases.php) load this file for its helpers.
if (!defined('TAB_CASES_AS_LIBRARY')) {
  report($cases);
}
