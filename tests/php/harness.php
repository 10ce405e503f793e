<?php
// What every case script shares: CiviCRM replaced by civicrm-stubs.php, classes loaded the way
// info.xml tells CiviCRM to, notices turned into failures, and the JSON report php.test.ts reads.

use ApiKeyTabTests\World;

// A warning or notice (an unset index, an offset on NULL) is a defect: fail the case with it.
set_error_handler(function (int $severity, string $message, string $file, int $line): bool {
  throw new ErrorException($message, 0, $severity, $file, $line);
});

require __DIR__ . '/civicrm-stubs.php';
// CRM_Core_DAO on SQLite, the clock, authx's event and the upgrader base (the key lifecycle's).
require __DIR__ . '/lifecycle-stubs.php';

const ROOT = __DIR__ . '/../..';

// Load classes the way info.xml's <classloader> tells CiviCRM to, so a wrong prefix or path fails:
// psr4 maps what follows the prefix to folders; psr0 maps the whole name, "_" included.
$classloader = simplexml_load_file(ROOT . '/info.xml')->classloader;
spl_autoload_register(function (string $class) use ($classloader): void {
  foreach (['psr4' => $classloader->psr4, 'psr0' => $classloader->psr0] as $standard => $entries) {
    foreach ($entries as $entry) {
      $prefix = (string) $entry['prefix'];
      if (!str_starts_with($class, $prefix)) {
        continue;
      }
      [$relative, $separators] = $standard === 'psr4' ? [substr($class, strlen($prefix)), ['\\']] : [$class, ['\\', '_']];
      $file = ROOT . '/' . $entry['path'] . '/' . str_replace($separators, '/', $relative) . '.php';
      if (is_file($file)) {
        require $file;
        return;
      }
    }
  }
});

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

function given(array $permissions, $loggedInContactId, array $apiKeys): void {
  World::reset();
  World::$permissions = $permissions;
  World::$loggedInContactId = $loggedInContactId;
  World::$apiKeys = $apiKeys;
}

/**
 * Runs each case and prints one JSON array of {name, ok, message}.
 *
 * @param array<string, callable> $cases
 */
function report(array $cases): void {
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
}
