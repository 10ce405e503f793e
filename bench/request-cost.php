<?php
// The cost the key lifecycle's authx listeners (Civi\ApiKeyTab\Lifecycle\CredentialWatch) add to one
// authenticated request, in the PHP test harness: CiviCRM replaced by tests/php's stand-ins, the key
// table in SQLite in memory (so a query costs a local call, not a MySQL round trip: the counts are
// what carries over to a real site, the microseconds are the listeners' own PHP and SQL work).
// Prints one JSON object; bench/run.mjs shows it in its table and bench/results.json.
//
// Usage: php bench/request-cost.php [runs]

use ApiKeyTabTests\Database;
use ApiKeyTabTests\World;
use Civi\ApiKeyTab\Lifecycle\CredentialWatch;
use Civi\Authx\CheckCredentialEvent;
use Civi\Core\Event\GenericHookEvent;

require __DIR__ . '/../tests/php/lifecycle-support.php';

$runs = max(1, (int) ($argv[1] ?? 2000));

/**
 * Runs $runs requests with Alice's key; $before puts the table in the state to measure (outside the
 * timing). Returns the statements and the time of the two listener calls of each request.
 */
function measure(int $runs, callable $before): array {
  site([ALICE => ALICE_KEY, BOB => BOB_KEY]);
  // A table that is not empty: other key holders' rows beside the one the request finds.
  for ($id = 100; $id < 1100; $id++) {
    World::$apiKeys[$id] = bin2hex(random_bytes(16));
  }
  Database::syncContacts();
  foreach (World::$apiKeys as $id => $key) {
    if ($id !== ALICE && $key !== NULL) {
      recorded($id, $key, ['set_date' => '2026-11-01 10:00:00', 'last_used_date' => '2026-11-30 10:00:00']);
    }
  }
  $watch = new CredentialWatch();
  $invoke = GenericHookEvent::create(['args' => ['civicrm', 'ajax', 'api4', 'Contact', 'get']]);
  $times = [];
  $reads = $writes = [];
  // The first requests pay for loading classes and warming caches: they are run, not counted.
  $warmUp = 200;
  for ($i = 0; $i < $warmUp + $runs; $i++) {
    $before();
    Database::$statements = [];
    // What authx has done by then: the event built, the session entry set once it accepted.
    $check = new CheckCredentialEvent('Bearer ' . ALICE_KEY);
    World::$session['authx'] = accepted(ALICE);
    $start = hrtime(TRUE);
    $watch->onCheckCredential($check);
    $watch->onInvokeAuth($invoke);
    $elapsed = (hrtime(TRUE) - $start) / 1000;
    $counts = statementCounts();
    if ($i >= $warmUp) {
      $times[] = $elapsed;
      $reads[] = $counts['reads'];
      $writes[] = $counts['writes'];
    }
    if ($check->getRejection() !== NULL || World::$log !== []) {
      throw new RuntimeException('the request did not go through: ' . json_encode([$check->getRejection(), World::$log]));
    }
  }
  sort($times);
  return [
    'queries' => max($reads),
    'writes' => max($writes),
    'medianMicroseconds' => round($times[intdiv(count($times), 2)], 1),
    'p90Microseconds' => round($times[(int) floor(count($times) * 0.9)], 1),
  ];
}

$setLastUsed = function (int $secondsAgo): callable {
  return function () use ($secondsAgo): void {
    Database::pdo()->exec("UPDATE civicrm_apikeytab_key SET last_used_date = '" . secondsBefore($secondsAgo) . "' WHERE contact_id = " . ALICE);
  };
};

$results = [
  'runs' => $runs,
  'engine' => 'SQLite ' . Database::pdo()->query('SELECT sqlite_version()')->fetchColumn() . ' in memory, PHP ' . PHP_VERSION,
  'scenarios' => [],
];
$results['scenarios']['fresh'] = measure($runs, function () use ($setLastUsed): void {
  if (rowOf(ALICE) === NULL) {
    recorded(ALICE, ALICE_KEY, ['set_date' => '2026-11-01 10:00:00']);
  }
  $setLastUsed(30)();
});
$results['scenarios']['stale'] = measure($runs, function () use ($setLastUsed): void {
  if (rowOf(ALICE) === NULL) {
    recorded(ALICE, ALICE_KEY, ['set_date' => '2026-11-01 10:00:00']);
  }
  $setLastUsed(120)();
});
$results['scenarios']['unrecorded'] = measure($runs, function (): void {
  Database::pdo()->exec('DELETE FROM civicrm_apikeytab_key WHERE contact_id = ' . ALICE);
});

echo json_encode($results, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES), "\n";
