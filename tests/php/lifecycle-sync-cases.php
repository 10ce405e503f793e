<?php
// KeyRecordSync: the key changes the audit trail sees start the key's row afresh, or remove it.

use ApiKeyTabTests\Database;
use ApiKeyTabTests\World;
use Civi\ApiKeyTab\Lifecycle\KeyRecords;
use Civi\ApiKeyTab\Lifecycle\KeyRecordSync;
use Civi\Core\Event\PostEvent;
use Civi\Core\Event\PreEvent;
use Civi\Core\Service\AutoSubscriber;

require __DIR__ . '/lifecycle-support.php';

/**
 * An edit through core's Contact BAO: pre with the params, the column written, post.
 */
function edit(int $contactId, array $params, ?string $saved = NULL, string $contactType = 'Individual'): void {
  $sync = new KeyRecordSync();
  $sync->onPre(new PreEvent('edit', $contactType, $contactId, $params));
  if (array_key_exists('api_key', $params)) {
    World::$apiKeys[$contactId] = func_num_args() >= 3 ? $saved : ($params['api_key'] === '' ? NULL : $params['api_key']);
  }
  $object = (object) ['id' => $contactId];
  $sync->onPost(new PostEvent('edit', $contactType, $contactId, $object));
}

function usedRow(int $contactId, string $key): void {
  recorded($contactId, $key, ['set_date' => '2026-10-01 10:00:00', 'set_by' => ADMIN_ID, 'last_used_date' => '2026-11-30 10:00:00', 'last_used_ip' => ADDRESS, 'expires_date' => '2027-01-01 00:00:00']);
  Database::pdo()->exec("UPDATE civicrm_apikeytab_key SET reminder_sent_date = '2026-11-25 00:00:00' WHERE contact_id = $contactId");
}

$cases = [
  'subscribes to hook_civicrm_pre (after hook functions, -200) and hook_civicrm_post as an AutoSubscriber' => function (): void {
    expect(is_subclass_of(KeyRecordSync::class, AutoSubscriber::class), 'an AutoSubscriber');
    same(['hook_civicrm_pre' => ['onPre', -200], 'hook_civicrm_post' => 'onPost'], KeyRecordSync::getSubscribedEvents(), 'subscribed events');
  },

  'a new key: the row starts afresh: set now by the logged-in contact, never used, no expiry' => function (): void {
    site([ALICE => NULL]);
    World::$loggedInContactId = (string) ADMIN_ID;
    edit(ALICE, ['api_key' => ALICE_KEY]);
    $row = rowOf(ALICE);
    same([KeyRecords::fingerprint(ALICE_KEY), NOW, ADMIN_ID, NULL, NULL, NULL, NULL],
      [$row['key_fingerprint'], $row['set_date'], (int) $row['set_by'], $row['last_used_date'], $row['last_used_ip'], $row['expires_date'], $row['reminder_sent_date']], 'row');
  },

  "a replaced key: the old key's use, address, expiry and reminder are gone" => function (): void {
    site([ALICE => BOB_KEY]);
    usedRow(ALICE, BOB_KEY);
    World::$loggedInContactId = ALICE;
    edit(ALICE, ['api_key' => ALICE_KEY]);
    $row = rowOf(ALICE);
    same([KeyRecords::fingerprint(ALICE_KEY), NOW, ALICE, NULL, NULL, NULL, NULL],
      [$row['key_fingerprint'], $row['set_date'], (int) $row['set_by'], $row['last_used_date'], $row['last_used_ip'], $row['expires_date'], $row['reminder_sent_date']], 'row');
  },

  "a revoked key (null or ''): the row is removed" => function (): void {
    foreach ([NULL, ''] as $revoked) {
      site([ALICE => ALICE_KEY]);
      usedRow(ALICE, ALICE_KEY);
      edit(ALICE, ['api_key' => $revoked]);
      same(NULL, rowOf(ALICE), 'row after revoking with ' . var_export($revoked, TRUE));
    }
  },

  'the same key saved again: its history stands' => function (): void {
    site([ALICE => ALICE_KEY]);
    usedRow(ALICE, ALICE_KEY);
    edit(ALICE, ['api_key' => ALICE_KEY, 'nick_name' => 'Al']);
    same(['2026-10-01 10:00:00', '2026-11-30 10:00:00', '2027-01-01 00:00:00'], [rowOf(ALICE)['set_date'], rowOf(ALICE)['last_used_date'], rowOf(ALICE)['expires_date']], 'row');
  },

  'judged by what was saved: 33 characters sent, 29 + "..." stored' => function (): void {
    site([ALICE => NULL]);
    $saved = substr(ALICE_KEY . 'X', 0, 29) . '...';
    edit(ALICE, ['api_key' => ALICE_KEY . 'X'], $saved);
    same(KeyRecords::fingerprint($saved), rowOf(ALICE)['key_fingerprint'], 'fingerprint of the stored key');
    same(1, count(World::$queries), 'one Contact.get to read the key back');
    same([['id', '=', ALICE]], World::$queries[0]['where'], 'read by id');
    same(FALSE, World::$queries[0]['checkPermissions'], 'without permission checks (self-service users cannot read keys)');
  },

  'an edit without api_key, other objects and deletes: nothing read, nothing written' => function (): void {
    site([ALICE => ALICE_KEY]);
    usedRow(ALICE, ALICE_KEY);
    edit(ALICE, ['nick_name' => 'Al']);
    $sync = new KeyRecordSync();
    $params = ['api_key' => 'x'];
    $object = (object) ['id' => 1, 'api_key' => 'x'];
    $sync->onPre(new PreEvent('edit', 'Activity', 1, $params));
    $sync->onPost(new PostEvent('edit', 'Activity', 1, $object));
    $sync->onPost(new PostEvent('delete', 'Individual', ALICE, $object));
    same([], World::$queries, 'Contact.get calls');
    same([], Database::$statements, 'statements');
  },

  'organizations and households too; a create with a key starts the row, a create without costs nothing' => function (): void {
    site([ALICE => NULL, BOB => NULL]);
    edit(ALICE, ['api_key' => ALICE_KEY], ALICE_KEY, 'Organization');
    same(KeyRecords::fingerprint(ALICE_KEY), rowOf(ALICE)['key_fingerprint'], 'organization');
    $sync = new KeyRecordSync();
    World::$apiKeys[BOB] = BOB_KEY;
    $created = (object) ['id' => BOB, 'api_key' => BOB_KEY];
    $sync->onPost(new PostEvent('create', 'Household', BOB, $created));
    same(KeyRecords::fingerprint(BOB_KEY), rowOf(BOB)['key_fingerprint'], 'household created with a key');
    World::$queries = [];
    Database::$statements = [];
    $plain = (object) ['id' => 99];
    $sync->onPost(new PostEvent('create', 'Individual', 99, $plain));
    same([[], []], [World::$queries, Database::$statements], 'nothing for a create without a key');
  },

  'nobody logged in (cv, cron): set_by is empty' => function (): void {
    site([ALICE => NULL]);
    edit(ALICE, ['api_key' => ALICE_KEY]);
    same(NULL, rowOf(ALICE)['set_by'], 'set_by');
  },

  'a failing write: logged without the key, and the key change stands' => function (): void {
    site([ALICE => NULL]);
    Database::$failure = fn(string $sql) => new \RuntimeException("DB Error [$sql '" . ALICE_KEY . "' " . KeyRecords::fingerprint(ALICE_KEY) . ']');
    edit(ALICE, ['api_key' => ALICE_KEY]);
    same(ALICE_KEY, World::$apiKeys[ALICE], 'the key is set');
    same(1, count(World::$log), 'log entries');
    same('error', World::$log[0][0], 'log level');
    same(ALICE, World::$log[0][2]['contact'], 'contact named');
    noSecretAnywhere(ALICE_KEY);
  },
];

report($cases);
