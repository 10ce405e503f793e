<?php
// The subscriber's decisions and the tab template, checked under php-cli with CiviCRM replaced by
// civicrm-stubs.php. Prints one JSON array of {name, ok, message}; tests/php/php.test.ts makes a
// test of each and fails if the list is not exactly the one it expects.

use ApiKeyTabTests\World;
use Civi\ApiKeyTab\ContactTab;
use Civi\Core\Event\GenericHookEvent;
use Civi\Core\Service\AutoSubscriber;

// A warning or notice (an unset index, an offset on NULL) is a defect: fail the case with it.
set_error_handler(function (int $severity, string $message, string $file, int $line): bool {
  throw new ErrorException($message, 0, $severity, $file, $line);
});

require __DIR__ . '/civicrm-stubs.php';

const ROOT = __DIR__ . '/../..';
const TEMPLATE = ROOT . '/templates/apikeytab/ApiKeyTab.tpl';
const BINDINGS = ['contact_id', 'has_key', 'can_view', 'key_hint', 'last_change'];
const ADMIN = 2;
const JANE = 3;
const STAFF = 4;
const SELF_SERVICE = 5;
const KEY = 'Ab3xQ9rT7mK2pL8vN4wZ6yH1jF5dS0cX';
const HOSTILE_KEY = '"><script>x</script>{{1+1}}';
const SUMMARY_TAB = ['id' => 'summary', 'title' => 'Summary', 'weight' => 0, 'icon' => 'crm-i fa-address-card-o'];

// Load classes the way info.xml's <classloader> tells CiviCRM to, so a wrong prefix or path fails.
$psr4 = simplexml_load_file(ROOT . '/info.xml')->classloader->psr4;
spl_autoload_register(function (string $class) use ($psr4): void {
  $prefix = (string) $psr4['prefix'];
  $file = ROOT . '/' . $psr4['path'] . '/' . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
  if (str_starts_with($class, $prefix) && is_file($file)) {
    require $file;
  }
});

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

function given(array $permissions, $loggedInContactId, array $apiKeys): void {
  World::reset();
  World::$permissions = $permissions;
  World::$loggedInContactId = $loggedInContactId;
  World::$apiKeys = $apiKeys;
}

function same($expected, $actual, string $what): void {
  if ($expected !== $actual) {
    throw new RuntimeException("$what: expected " . var_export($expected, TRUE) . ', got ' . var_export($actual, TRUE));
  }
}

function expect(bool $condition, string $what): void {
  if (!$condition) {
    throw new RuntimeException($what);
  }
}

/**
 * The single entry the subscriber added after core's summary tab.
 */
function apiKeyTab(array $tabs): array {
  same(SUMMARY_TAB, $tabs[0] ?? NULL, 'the tab that was already there');
  same(2, count($tabs), 'number of tabs');
  return $tabs[1];
}

function fullTab(int $contactId, bool $hasKey, bool $canView, ?string $hint): array {
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
    'last_change' => NULL,
  ];
}

function keyLookup(int $contactId): array {
  return [['checkPermissions' => FALSE, 'select' => ['api_key'], 'where' => [['id', '=', $contactId]]]];
}

function noTab(array $tabs): void {
  same([SUMMARY_TAB], $tabs, 'tabs');
  same([], World::$queries, 'queries');
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
 * Renders the template exactly as Smarty 5 compiles `{$block.NAME|@json|escape}`: CiviCRM's
 * `json` modifier is json_encode($data) (CRM/Core/Smarty/plugins/modifier.json.php), and Smarty's
 * `escape` (default 'html') is htmlspecialchars((string) $x, ENT_QUOTES, 'UTF-8', TRUE)
 * (smarty src/Compile/Modifier/EscapeModifierCompiler.php).
 */
function render(array $block): string {
  return preg_replace_callback('/\{\$block\.(\w+)\|@json\|escape\}/', function (array $tag) use ($block): string {
    expect(array_key_exists($tag[1], $block), "the template reads \$block.{$tag[1]}, which the entry lacks");
    return htmlspecialchars((string) json_encode($block[$tag[1]]), ENT_QUOTES, 'UTF-8', TRUE);
  }, file_get_contents(TEMPLATE));
}

/**
 * Parses the rendered template as a browser would and checks each binding reads back as the JSON
 * of its value: what Angular's one-way binding then evaluates.
 */
function roundTrip(array $block): void {
  $dom = new DOMDocument();
  libxml_use_internal_errors(TRUE);
  $dom->loadHTML('<!DOCTYPE html><meta charset="utf-8"><body>' . render($block) . '</body>');
  libxml_clear_errors();

  same(0, $dom->getElementsByTagName('script')->length, 'script elements in the rendered tab');
  $components = $dom->getElementsByTagName('crm-api-key-tab');
  same(1, $components->length, 'crm-api-key-tab elements');
  $component = $components->item(0);
  same('crm-angular-js', $component->parentNode->nodeName, 'element around the component');
  same('crmApiKey', $component->parentNode->getAttribute('modules'), 'modules of crm-angular-js');

  $attributes = [];
  foreach ($component->attributes as $attribute) {
    $attributes[$attribute->name] = $attribute->value;
  }
  $expected = [];
  foreach (BINDINGS as $name) {
    $expected[str_replace('_', '-', $name)] = json_encode($block[$name]);
  }
  same($expected, $attributes, 'attributes of crm-api-key-tab');
  foreach (BINDINGS as $name) {
    same($block[$name], json_decode($attributes[str_replace('_', '-', $name)], TRUE), "$name decoded from its attribute");
  }
}

$cases = [
  'subscribes to hook_civicrm_tabset as an AutoSubscriber' => function (): void {
    expect(is_subclass_of(ContactTab::class, AutoSubscriber::class), 'ContactTab does not extend AutoSubscriber');
    same(['hook_civicrm_tabset' => 'onTabset'], ContactTab::getSubscribedEvents(), 'subscribed events');
    expect((new ReflectionMethod(ContactTab::class, 'onTabset'))->isPublic(), 'onTabset is not public');
  },

  'admin on another contact with a key: tab, count 1, last 4 characters, module loaded' => function (): void {
    given(['administer CiviCRM'], ADMIN, [JANE => KEY]);
    $tabs = viewContact(JANE);
    same(fullTab(JANE, TRUE, TRUE, 'S0cX'), apiKeyTab($tabs), 'tab');
    same(keyLookup(JANE), World::$queries, 'queries');
    same(['crmApiKey'], World::$loadedModules, 'Angular modules loaded');
    same([['API Key', ['domain' => 'apikeytab']]], World::$translations, 'translated strings');
    keyAbsent($tabs, KEY);
  },

  'admin on a contact without a key: count 0, no hint' => function (): void {
    given(['administer CiviCRM'], ADMIN, [JANE => NULL]);
    same(fullTab(JANE, FALSE, TRUE, NULL), apiKeyTab(viewContact(JANE)), 'tab');
    same(keyLookup(JANE), World::$queries, 'queries');
    same(['crmApiKey'], World::$loadedModules, 'Angular modules loaded');
  },

  'an empty key counts as no key' => function (): void {
    given(['administer CiviCRM'], ADMIN, [JANE => '']);
    same(fullTab(JANE, FALSE, TRUE, NULL), apiKeyTab(viewContact(JANE)), 'tab');
  },

  '"edit api keys" alone: full tab on any contact' => function (): void {
    given(['access CiviCRM', 'edit api keys'], STAFF, [JANE => KEY]);
    $tabs = viewContact(JANE);
    same(fullTab(JANE, TRUE, TRUE, 'S0cX'), apiKeyTab($tabs), 'tab');
    same(['crmApiKey'], World::$loadedModules, 'Angular modules loaded');
    keyAbsent($tabs, KEY);
  },

  'self-service user on their own contact: tab without a hint although a key is set' => function (): void {
    // Older cores return the session's value unconverted: a numeric string.
    given(['access CiviCRM', 'edit own api keys'], (string) SELF_SERVICE, [SELF_SERVICE => KEY]);
    $tabs = viewContact(SELF_SERVICE);
    same(fullTab(SELF_SERVICE, TRUE, FALSE, NULL), apiKeyTab($tabs), 'tab');
    same(keyLookup(SELF_SERVICE), World::$queries, 'queries');
    same(['crmApiKey'], World::$loadedModules, 'Angular modules loaded');
    keyAbsent($tabs, substr(KEY, -4));
  },

  'self-service user on someone else\'s contact: no tab, no query, no module' => function (): void {
    given(['access CiviCRM', 'edit own api keys'], SELF_SERVICE, [JANE => KEY, SELF_SERVICE => KEY]);
    noTab(viewContact(JANE));
  },

  'no key permission, even on their own contact: no tab, no query, no module' => function (): void {
    given(['access CiviCRM', 'view all contacts', 'edit all contacts'], STAFF, [STAFF => KEY]);
    noTab(viewContact(STAFF));
  },

  'nobody logged in: "edit own api keys" matches no contact' => function (): void {
    given(['edit own api keys'], NULL, [JANE => KEY]);
    noTab(viewContact(JANE));
  },

  'no contact in the context: no tab, nothing asked' => function (): void {
    given(['administer CiviCRM'], ADMIN, [JANE => KEY]);
    noTab(tabset('civicrm/contact/view', []));
  },

  'Contact Layout editor: the entry alone, no query, no module' => function (): void {
    given([], ADMIN, [JANE => KEY]);
    $tabs = tabset('civicrm/contact/view', ['contact_id' => 0, 'caller' => 'ContactLayout']);
    same(['id' => 'apikey', 'title' => 'API Key', 'icon' => 'crm-i fa-key', 'weight' => 900], apiKeyTab($tabs), 'tab');
    same([], World::$queries, 'queries');
    same([], World::$loadedModules, 'Angular modules loaded');
    same([], World::$permissionChecks, 'permission checks');
  },

  'another tabset, even one naming a contact: tabs untouched, nothing asked' => function (): void {
    given(['administer CiviCRM'], ADMIN, [JANE => KEY]);
    $eventTabs = [['id' => 'settings', 'title' => 'Info and Settings']];
    same($eventTabs, tabset('civicrm/event/manage', ['event_id' => 1, 'contact_id' => JANE], $eventTabs), 'tabs');
    same([], World::$queries, 'queries');
    same([], World::$permissionChecks, 'permission checks');
    same([], World::$loadedModules, 'Angular modules loaded');
  },

  'hostile key: the hint is its last 4 characters, and the key stays out' => function (): void {
    given(['administer CiviCRM'], ADMIN, [JANE => HOSTILE_KEY]);
    $tabs = viewContact(JANE);
    same(fullTab(JANE, TRUE, TRUE, '+1}}'), apiKeyTab($tabs), 'tab');
    keyAbsent($tabs, HOSTILE_KEY);
  },

  'multibyte key: the hint is the last 4 characters, not bytes' => function (): void {
    given(['administer CiviCRM'], ADMIN, [JANE => 'clé-Ключ-日本語🔑']);
    // Cut by bytes, the last 4 would be the key emoji alone; cut inside it, not even UTF-8.
    same('日本語🔑', apiKeyTab(viewContact(JANE))['key_hint'], 'hint');
  },

  'a key shorter than 4 characters is its own hint' => function (): void {
    given(['administer CiviCRM'], ADMIN, [JANE => 'ab']);
    same('ab', apiKeyTab(viewContact(JANE))['key_hint'], 'hint');
  },

  'template holds only {$block.NAME|@json|escape} tags (Smarty 5 safe)' => function (): void {
    $template = file_get_contents(TEMPLATE);
    preg_match_all('/\{\$block\.(\w+)\|@json\|escape\}/', $template, $tags);
    same(BINDINGS, $tags[1], 'bindings the template passes');
    $rest = preg_replace('/\{\$block\.\w+\|@json\|escape\}/', '', $template);
    expect(strpbrk($rest, '{}') === FALSE, 'the template has other Smarty syntax (or a literal brace Smarty would parse)');
  },

  'template carries the subscriber\'s entry for a hostile key through |@json|escape' => function (): void {
    given(['administer CiviCRM'], ADMIN, [JANE => HOSTILE_KEY]);
    roundTrip(apiKeyTab(viewContact(JANE)));
  },

  'template carries hostile values of every kind through |@json|escape' => function (): void {
    $hostile = '"\'><script>alert(1)</script>{{constructor}}&amp;</crm-angular-js>\\u0022 ключ 🔑';
    roundTrip([
      'contact_id' => 3,
      'has_key' => TRUE,
      'can_view' => FALSE,
      'key_hint' => $hostile,
      'last_change' => ['date' => '2026-11-30 12:00:00', 'by' => $hostile],
    ]);
  },
];

$results = [];
foreach ($cases as $name => $case) {
  try {
    $case();
    $results[] = ['name' => $name, 'ok' => TRUE, 'message' => ''];
  }
  catch (Throwable $e) {
    $results[] = ['name' => $name, 'ok' => FALSE, 'message' => get_class($e) . ': ' . $e->getMessage() . ' (' . basename($e->getFile()) . ':' . $e->getLine() . ')'];
  }
}
echo json_encode($results, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_INVALID_UTF8_SUBSTITUTE | JSON_THROW_ON_ERROR), "\n";
