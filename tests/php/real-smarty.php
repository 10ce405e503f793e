<?php
// The tab template rendered by a real Smarty (Debian's smarty3 or smarty4 package; CiviCRM 5.x
// sites run Smarty 2, 3 or 4, 6.x runs Smarty 5, emulated in tab-cases.php), the way core's contact
// summary includes it: inside a loop over $allTabs whose variable is $tabValue on 5.x and $block
// on 6.x. CiviCRM's `json` modifier is registered as core defines it: json_encode($data)
// (CRM/Core/Smarty/plugins/modifier.json.php). Loaded by smarty3-cases.php and smarty4-cases.php
// with SMARTY_CLASS_FILE set: each Smarty declares the class Smarty, so one process each.

use ApiKeyTabTests\World;

define('TAB_CASES_AS_LIBRARY', TRUE);
require __DIR__ . '/tab-cases.php';
require SMARTY_CLASS_FILE;

$compileDir = sys_get_temp_dir() . '/apikeytab-smarty-' . getmypid();

// Smarty 3.1, and the PHP it compiles templates to, create dynamic properties, which PHP 8.2
// reports as deprecated: that is Smarty's business. Everything else still fails the case.
set_error_handler(function (int $severity, string $message, string $file, int $line) use ($compileDir): bool {
  if ($severity === E_DEPRECATED && (str_starts_with($file, dirname(SMARTY_CLASS_FILE)) || str_starts_with($file, $compileDir))) {
    return TRUE;
  }
  throw new ErrorException($message, 0, $severity, $file, $line);
});
register_shutdown_function(function () use ($compileDir): void {
  foreach (glob("$compileDir/*") ?: [] as $file) {
    unlink($file);
  }
  is_dir($compileDir) && rmdir($compileDir);
});

function smarty(): Smarty {
  global $compileDir;
  $smarty = new Smarty();
  $smarty->setTemplateDir(ROOT . '/templates');
  $smarty->setCompileDir($compileDir);
  $smarty->registerPlugin('modifier', 'json', function ($data) {
    return json_encode($data);
  });
  return $smarty;
}

/**
 * The panels of the contact summary, as 5.x ($tabValue) or 6.x ($block) loops over them.
 */
function panels(string $loopVariable): string {
  return "string:{foreach from=\$allTabs item=$loopVariable}{if !empty(\$$loopVariable.template)}<div id=\"contact-{\$$loopVariable.id}\">{include file=\$$loopVariable.template}</div>{/if}{/foreach}";
}

/**
 * Renders the summary's panels with our entry among the tabs, handed as handings() says: the
 * loop variable is $block when the entry comes as $block, else $tabValue; the other variable, when
 * given, is a stale one assigned beforehand.
 */
function smartyRender(array $vars): string {
  $smarty = smarty();
  $ours = (($vars['block']['id'] ?? NULL) === 'apikey') ? 'block' : 'tabValue';
  $stale = $ours === 'block' ? 'tabValue' : 'block';
  if (array_key_exists($stale, $vars)) {
    $smarty->assign($stale, $vars[$stale]);
  }
  $smarty->assign('allTabs', [SUMMARY_TAB, $vars[$ours]]);
  return $smarty->fetch(panels($ours));
}

$cases = [
  'the Smarty rendering is Debian\'s ' . SMARTY_MAJOR . '.x' => function (): void {
    same(SMARTY_MAJOR, (int) explode('.', Smarty::SMARTY_VERSION)[0], 'Smarty major version');
  },

  'the subscriber\'s entry, handed as 5.x and as 6.x core hand it: every binding carries its value' => function (): void {
    site(ADMIN_PERMISSIONS, ADMIN, [JANE => KEY]);
    World::$activityRows = [['id' => 41, 'activity_date_time' => '2026-12-01 09:30:00', 'source.display_name' => 'Standalone Admin']];
    $entry = apiKeyTab(viewContact(JANE));
    roundTrip($entry, 'smartyRender');
    $attributes = componentAttributes(smartyRender(['tabValue' => $entry]));
    same('"S0cX"', $attributes['key-hint'], 'key-hint on 5.x');
  },

  'a read-only, trashed contact\'s entry with a hostile key and name, handed each way' => function (): void {
    site(['access CiviCRM', 'edit api keys'], STAFF, [JANE => 'Ab3xQ9rT7mK2pL8vN4wZ6yH1jF5d"<{{']);
    World::$trashed = [JANE];
    World::$activityRows = [['id' => 1, 'activity_date_time' => '2026-12-01 09:30:00', 'source.display_name' => "{{constructor.constructor('alert(1)')()}} </crm-angular-js><script>"]];
    $entry = apiKeyTab(viewContact(JANE));
    same([FALSE, TRUE], [$entry['can_edit'], $entry['in_trash']], 'can_edit and in_trash');
    roundTrip($entry, 'smartyRender');
  },

  'hostile values of every kind, through the real |@json|escape, handed each way' => function (): void {
    $entry = ['id' => 'apikey', 'template' => 'apikeytab/ApiKeyTab.tpl'] + hostileEntry();
    // Any binding added since carries the hostile string too.
    roundTrip($entry + array_fill_keys(array_diff(BINDINGS, array_keys($entry)), HOSTILE_TEXT), 'smartyRender');
  },

  'the exact-Smarty-5 emulation and this Smarty render the same markup' => function (): void {
    site(ADMIN_PERMISSIONS, ADMIN, [JANE => HOSTILE_KEY]);
    $entry = apiKeyTab(viewContact(JANE));
    foreach (handings($entry) as $handing => $vars) {
      $real = smartyRender($vars);
      same(1, preg_match('~<div id="contact-apikey">(.*)</div>~s', $real, $panel), "our panel, handed as $handing");
      same(render($vars), $panel[1], "markup, handed as $handing");
    }
  },
];

report($cases);
