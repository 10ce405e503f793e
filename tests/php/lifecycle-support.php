<?php
// What the lifecycle case scripts share: a site with keys in civicrm_contact, rows in the key table,
// and one request as authx runs it (checkCredential, then civi.invoke.auth once accepted).

use ApiKeyTabTests\Database;
use ApiKeyTabTests\World;
use Civi\ApiKeyTab\Lifecycle\CredentialWatch;
use Civi\ApiKeyTab\Lifecycle\KeyRecords;
use Civi\Authx\CheckCredentialEvent;
use Civi\Core\Event\GenericHookEvent;

require __DIR__ . '/harness.php';

const ALICE = 7;
const BOB = 8;
const ADMIN_ID = 2;
const ALICE_KEY = 'Ab3xQ9rT7mK2pL8vN4wZ6yH1jF5dS0cX';
const BOB_KEY = 'Zz9yX8wV7uT6sR5qP4oN3mL2kJ1iH0gF';
const ADDRESS = '203.0.113.7';
const NOW = '2026-12-01 08:30:00';

/**
 * A site whose contacts hold these keys, with the key table and nothing in it.
 */
function site(array $apiKeys, bool $withKeyTable = TRUE): void {
  // The administrator exists too (set_by points at them), without a key.
  given([], NULL, $apiKeys + [ADMIN_ID => NULL]);
  World::$now = NOW;
  World::$ipAddress = ADDRESS;
  Database::fresh($withKeyTable);
  Database::syncContacts();
  CredentialWatch::forget();
}

/**
 * A row in the key table for this key, as the extension would have left it.
 */
function recorded(int $contactId, string $key, array $facts = []): void {
  KeyRecords::restart($contactId, $key, $facts);
  Database::$statements = [];
}

function rowOf(int $contactId): ?array {
  return Database::keyRow($contactId);
}

/**
 * The session's authx entry after authx accepted a credential (contactId is a string there).
 */
function accepted(int $contactId, string $credType = 'api_key', string $flow = 'xheader'): array {
  return ['flow' => $flow, 'requestPath' => 'civicrm/ajax/api4/Contact/get', 'credType' => $credType, 'jwt' => NULL, 'useSession' => FALSE, 'userId' => 1, 'contactId' => (string) $contactId];
}

/**
 * One request carrying "Bearer $credential". authx's own check (-300) runs after ours; when it and
 * the guards accept, civi.invoke.auth goes on past authx (0) with $authx in the session.
 *
 * @return ?string the rejection authx would answer with (401), or NULL when the request went on
 */
function request(string $credential, ?array $authx, bool $trailingSpace = TRUE, ?string $userTimeZone = NULL): ?string {
  $watch = new CredentialWatch();
  $check = new CheckCredentialEvent("Bearer $credential", $trailingSpace);
  $watch->onCheckCredential($check);
  if ($check->getRejection() !== NULL) {
    return $check->getRejection();
  }
  if ($authx === NULL) {
    // authx refused it (wrong key, guard): it answers 401 and exits before any later listener.
    CredentialWatch::forget();
    return 'refused by authx';
  }
  World::$session['authx'] = $authx;
  // authx's login() ends by re-setting PHP's time zone to the user's, if the user system keeps one
  // (Authenticator::login(): userSystem->setTimeZone()).
  $siteTimeZone = date_default_timezone_get();
  if ($userTimeZone !== NULL) {
    date_default_timezone_set($userTimeZone);
  }
  try {
    $watch->onInvokeAuth(GenericHookEvent::create(['args' => ['civicrm', 'ajax', 'api4', 'Contact', 'get']]));
  }
  finally {
    date_default_timezone_set($siteTimeZone);
  }
  return NULL;
}

/**
 * @return array{reads: int, writes: int}
 */
function statementCounts(): array {
  $reads = count(array_filter(Database::$statements, fn($s) => preg_match('/^\s*SELECT/i', $s[0])));
  return ['reads' => $reads, 'writes' => count(Database::$statements) - $reads];
}

function secondsBefore(int $seconds): string {
  return date('Y-m-d H:i:s', strtotime(NOW) - $seconds);
}

function noSecretAnywhere(string ...$keys): void {
  $everything = json_encode([World::$log, Database::rows('SELECT * FROM civicrm_apikeytab_key')]);
  foreach ($keys as $key) {
    expect(!str_contains($everything, $key), 'no key in the log or the table');
    expect(!str_contains(json_encode(World::$log), KeyRecords::fingerprint($key)), 'no fingerprint in the log');
  }
}
