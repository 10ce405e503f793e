<?php
// CredentialWatch: the authx listeners that refuse expired keys and record each key's last use.

use ApiKeyTabTests\Database;
use ApiKeyTabTests\World;
use Civi\ApiKeyTab\Lifecycle\CredentialWatch;
use Civi\ApiKeyTab\Lifecycle\KeyRecords;
use Civi\Core\Service\AutoSubscriber;

require __DIR__ . '/lifecycle-support.php';

$cases = [
  'subscribes to civi.authx.checkCredential at -250 (before core: api_key -300, jwt -400) and civi.invoke.auth at -100 (after authx, 0)' => function (): void {
    expect(is_subclass_of(CredentialWatch::class, AutoSubscriber::class), 'an AutoSubscriber');
    $events = CredentialWatch::getSubscribedEvents();
    same(['civi.authx.checkCredential' => ['onCheckCredential', -250], 'civi.invoke.auth' => ['onInvokeAuth', -100]], $events, 'subscribed events');
    // Symfony runs higher priorities first: ours must see the credential before core accepts it
    // (accepting stops the event), and the request only after authx let it through.
    expect($events['civi.authx.checkCredential'][1] > -300 && -300 > -400, 'before both of core\'s Bearer checks');
    expect($events['civi.invoke.auth'][1] < 0, 'after authx\'s Authenticator');
  },

  'fresh record (used 59 s ago): 1 added query, no write' => function (): void {
    site([ALICE => ALICE_KEY]);
    recorded(ALICE, ALICE_KEY, ['set_date' => '2026-11-01 10:00:00', 'last_used_date' => secondsBefore(59), 'last_used_ip' => '198.51.100.1']);
    same(NULL, request(ALICE_KEY, accepted(ALICE)), 'rejection');
    same(['reads' => 1, 'writes' => 0], statementCounts(), 'statements of the request');
    same(secondsBefore(59), rowOf(ALICE)['last_used_date'], 'last used');
    same('198.51.100.1', rowOf(ALICE)['last_used_ip'], 'last address');
  },

  'stale record (used 61 s ago): 1 query, then 1 write of the date and the address' => function (): void {
    site([ALICE => ALICE_KEY]);
    recorded(ALICE, ALICE_KEY, ['set_date' => '2026-11-01 10:00:00', 'last_used_date' => secondsBefore(61), 'last_used_ip' => '198.51.100.1']);
    request(ALICE_KEY, accepted(ALICE));
    same(['reads' => 1, 'writes' => 1], statementCounts(), 'statements of the request');
    same(NOW, rowOf(ALICE)['last_used_date'], 'last used');
    same(ADDRESS, rowOf(ALICE)['last_used_ip'], 'last address');
    same('2026-11-01 10:00:00', rowOf(ALICE)['set_date'], 'set date kept');
    // The next request of the same minute costs the one query only.
    Database::$statements = [];
    World::$now = '2026-12-01 08:30:40';
    request(ALICE_KEY, accepted(ALICE));
    same(['reads' => 1, 'writes' => 0], statementCounts(), 'statements of a request 40 s later');
  },

  'a key set through the API and never used: its first use is written' => function (): void {
    site([ALICE => ALICE_KEY]);
    recorded(ALICE, ALICE_KEY, ['set_date' => '2026-11-30 09:00:00', 'set_by' => ADMIN_ID]);
    request(ALICE_KEY, accepted(ALICE));
    same(['reads' => 1, 'writes' => 1], statementCounts(), 'statements');
    same([NOW, ADDRESS, '2026-11-30 09:00:00', '2'], [rowOf(ALICE)['last_used_date'], rowOf(ALICE)['last_used_ip'], rowOf(ALICE)['set_date'], (string) rowOf(ALICE)['set_by']], 'row');
  },

  'the space authx 6.15 appends to credValue is not part of the key; older cores without it find the same row' => function (): void {
    foreach ([TRUE, FALSE] as $trailingSpace) {
      site([ALICE => ALICE_KEY]);
      recorded(ALICE, ALICE_KEY, ['set_date' => '2026-11-01 10:00:00']);
      request(ALICE_KEY, accepted(ALICE), $trailingSpace);
      same(NOW, rowOf(ALICE)['last_used_date'], 'last used, trailing space ' . var_export($trailingSpace, TRUE));
      same('2026-11-01 10:00:00', rowOf(ALICE)['set_date'], 'the same row, not one started afresh');
      $params = Database::$statements[0][1];
      same([1 => [ALICE_KEY, 'String']], $params, 'the key, without the space, compared with civicrm_contact.api_key (index_api_key)');
    }
  },

  'a row for another key (changed outside the API): no match, and the row starts afresh for the current key' => function (): void {
    site([ALICE => ALICE_KEY]);
    recorded(ALICE, BOB_KEY, ['set_date' => '2026-11-01 10:00:00', 'set_by' => ADMIN_ID, 'last_used_date' => secondsBefore(5), 'expires_date' => '2026-11-30 00:00:00']);
    // The old key's expiry does not apply to the new one: not refused.
    same(NULL, request(ALICE_KEY, accepted(ALICE)), 'rejection');
    same(['reads' => 1, 'writes' => 1], statementCounts(), 'statements');
    $row = rowOf(ALICE);
    same([KeyRecords::fingerprint(ALICE_KEY), NULL, NULL, NOW, ADDRESS, NULL], [$row['key_fingerprint'], $row['set_date'], $row['set_by'], $row['last_used_date'], $row['last_used_ip'], $row['expires_date']], 'row started afresh');
    same(1, count(Database::rows('SELECT * FROM civicrm_apikeytab_key')), 'still one row for the contact');
  },

  'a key that predates the extension (no row): the row is started at its first use, set date unknown' => function (): void {
    site([ALICE => ALICE_KEY]);
    request(ALICE_KEY, accepted(ALICE));
    same(['reads' => 1, 'writes' => 1], statementCounts(), 'statements');
    $row = rowOf(ALICE);
    same([KeyRecords::fingerprint(ALICE_KEY), NULL, NOW, ADDRESS], [$row['key_fingerprint'], $row['set_date'], $row['last_used_date'], $row['last_used_ip']], 'row');
    // From then on it is an ordinary record: the next request in the minute writes nothing.
    Database::$statements = [];
    request(ALICE_KEY, accepted(ALICE));
    same(['reads' => 1, 'writes' => 0], statementCounts(), 'statements of the next request');
  },

  'a key without a record on a site with a maximum lifetime: from its first use it ends after the maximum' => function (): void {
    site([ALICE => ALICE_KEY]);
    World::$settings['apikeytab_max_lifetime'] = 30;
    request(ALICE_KEY, accepted(ALICE));
    same('2026-12-31 08:30:00', rowOf(ALICE)['expires_date'], 'expires');
    World::$settings['apikeytab_max_lifetime'] = 0;
    site([BOB => BOB_KEY]);
    request(BOB_KEY, accepted(BOB));
    same(NULL, rowOf(BOB)['expires_date'], 'expires without a maximum');
  },

  "a user with a time zone of their own: the use and the end are site time, as before authx's login() switched zones" => function (): void {
    // Auckland is 13 hours ahead of the site (UTC) in December.
    site([ALICE => ALICE_KEY, BOB => BOB_KEY]);
    recorded(ALICE, ALICE_KEY, ['set_date' => '2026-11-01 10:00:00', 'last_used_date' => secondsBefore(61)]);
    World::$settings['apikeytab_max_lifetime'] = 30;
    request(ALICE_KEY, accepted(ALICE), TRUE, 'Pacific/Auckland');
    same(NOW, rowOf(ALICE)['last_used_date'], 'last used, site time');
    request(BOB_KEY, accepted(BOB), TRUE, 'Pacific/Auckland');
    same([NOW, '2026-12-31 08:30:00'], [rowOf(BOB)['last_used_date'], rowOf(BOB)['expires_date']], 'first use and end of a key without a row, site time');
    // Within the minute, in the user's zone too: nothing written.
    Database::$statements = [];
    World::$now = '2026-12-01 08:30:59';
    request(ALICE_KEY, accepted(ALICE), TRUE, 'Pacific/Auckland');
    same(['reads' => 1, 'writes' => 0], statementCounts(), 'statements of a request 59 s later');
    same('UTC', date_default_timezone_get(), 'the harness is back on site time');
    World::$settings['apikeytab_max_lifetime'] = 0;
  },

  'expired key: refused at checkCredential with "API key has expired", nothing written' => function (): void {
    foreach (['2026-12-01 08:30:00' => 'ending now', '2026-11-30 23:59:59' => 'ended yesterday'] as $end => $what) {
      site([ALICE => ALICE_KEY]);
      recorded(ALICE, ALICE_KEY, ['set_date' => '2026-09-01 10:00:00', 'expires_date' => $end, 'last_used_date' => secondsBefore(3600)]);
      same('API key has expired', request(ALICE_KEY, accepted(ALICE)), "rejection of a key $what");
      same(['reads' => 1, 'writes' => 0], statementCounts(), "statements for a key $what");
      same(secondsBefore(3600), rowOf(ALICE)['last_used_date'], 'a refused request is no use');
    }
  },

  'no expiry, or one still ahead: not refused, and it costs nothing more than the one query' => function (): void {
    foreach ([NULL => 'without expiry', '2026-12-01 08:30:01' => 'ending in a second'] as $end => $what) {
      site([ALICE => ALICE_KEY]);
      recorded(ALICE, ALICE_KEY, ['set_date' => '2026-09-01 10:00:00', 'expires_date' => $end === '' ? NULL : $end, 'last_used_date' => secondsBefore(10)]);
      same(NULL, request(ALICE_KEY, accepted(ALICE)), "rejection of a key $what");
      same(['reads' => 1, 'writes' => 0], statementCounts(), "statements for a key $what");
    }
  },

  'a key sent in other letter case, which authx accepts (MySQL compares api_key case-blind): still refused once expired, and its row stays the stored key\'s' => function (): void {
    site([ALICE => ALICE_KEY]);
    recorded(ALICE, ALICE_KEY, ['set_date' => '2026-09-01 10:00:00', 'expires_date' => '2026-11-30 00:00:00']);
    same('API key has expired', request(strtolower(ALICE_KEY), accepted(ALICE)), 'rejection of the lower-cased key');
    same('API key has expired', request(strtoupper(ALICE_KEY) . '  ', accepted(ALICE), FALSE), 'rejection of the upper-cased key');
    same('2026-11-30 00:00:00', rowOf(ALICE)['expires_date'], 'the expiry stands');
    same(['reads' => 2, 'writes' => 0], statementCounts(), 'one read each, no write');
    // A key still valid, sent in other case: its use is written on its own row, which keeps its history.
    site([ALICE => ALICE_KEY]);
    recorded(ALICE, ALICE_KEY, ['set_date' => '2026-09-01 10:00:00', 'set_by' => ADMIN_ID, 'expires_date' => '2027-01-01 00:00:00']);
    same(NULL, request(strtolower(ALICE_KEY), accepted(ALICE)), 'rejection');
    $row = rowOf(ALICE);
    same([KeyRecords::fingerprint(ALICE_KEY), '2026-09-01 10:00:00', '2027-01-01 00:00:00', NOW], [$row['key_fingerprint'], $row['set_date'], $row['expires_date'], $row['last_used_date']], 'the same row, used now');
    // A key without a row, first used in other case: the row speaks for the key as stored.
    site([ALICE => ALICE_KEY]);
    request(strtolower(ALICE_KEY), accepted(ALICE));
    same(KeyRecords::fingerprint(ALICE_KEY), rowOf(ALICE)['key_fingerprint'], 'fingerprint of the stored key');
  },

  'a key nobody has, or one authx refuses (guard): nothing written, nothing refused by us' => function (): void {
    site([ALICE => ALICE_KEY]);
    same('refused by authx', request('no-such-key-0000000000000000000', NULL), 'unknown key');
    same('refused by authx', request(ALICE_KEY, NULL), 'guard failed');
    same(['reads' => 2, 'writes' => 0], statementCounts(), 'one read each, no write');
    same(NULL, rowOf(ALICE), 'no row');
    // A later request that authx let through on a session, with no credential checked, records nothing.
    World::$session['authx'] = accepted(ALICE, 'already-logged-in', 'already-logged-in');
    (new CredentialWatch())->onInvokeAuth(\Civi\Core\Event\GenericHookEvent::create(['args' => ['civicrm', 'dashboard']]));
    same(['reads' => 2, 'writes' => 0], statementCounts(), 'nothing for the session request');
  },

  'JWT (AuthxCredential) and password logins are not API keys: nothing looked up, nothing recorded' => function (): void {
    site([ALICE => ALICE_KEY]);
    recorded(ALICE, ALICE_KEY, ['set_date' => '2026-11-01 10:00:00']);
    request('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjaWQ6NyJ9.c2lnbmF0dXJl', accepted(ALICE, 'jwt'));
    // Longer than civicrm_contact.api_key (varchar(32)) can hold: nobody's key, not even looked up.
    same(['reads' => 0, 'writes' => 0], statementCounts(), 'a JWT costs no query, and writes nothing');
    Database::$statements = [];
    $watch = new CredentialWatch();
    $basic = new \Civi\Authx\CheckCredentialEvent('Basic ' . base64_encode('alice:secret'));
    $watch->onCheckCredential($basic);
    World::$session['authx'] = accepted(ALICE, 'pass');
    $watch->onInvokeAuth(\Civi\Core\Event\GenericHookEvent::create(['args' => ['civicrm']]));
    same(['reads' => 0, 'writes' => 0], statementCounts(), 'a password login costs nothing');
    same(NULL, rowOf(ALICE)['last_used_date'], 'never used');
  },

  'legacy civicrm/ajax/rest (flow legacyrest) is recorded like any other flow' => function (): void {
    site([ALICE => ALICE_KEY]);
    recorded(ALICE, ALICE_KEY, ['set_date' => '2026-11-01 10:00:00']);
    request(ALICE_KEY, accepted(ALICE, 'api_key', 'legacyrest'));
    same(NOW, rowOf(ALICE)['last_used_date'], 'last used');
  },

  'an IPv6 address is kept whole; no address (CLI) is recorded as none' => function (): void {
    site([ALICE => ALICE_KEY]);
    World::$ipAddress = '2001:db8:85a3:0000:0000:8a2e:0370:7334';
    request(ALICE_KEY, accepted(ALICE));
    same('2001:db8:85a3:0000:0000:8a2e:0370:7334', rowOf(ALICE)['last_used_ip'], 'address');
    World::$now = '2026-12-01 08:40:00';
    World::$ipAddress = NULL;
    request(ALICE_KEY, accepted(ALICE));
    same(['2026-12-01 08:40:00', NULL], [rowOf(ALICE)['last_used_date'], rowOf(ALICE)['last_used_ip']], 'date, no address');
  },

  'a key shared by two contacts: the row of the contact authx logged in is the one written' => function (): void {
    site([ALICE => ALICE_KEY, BOB => ALICE_KEY]);
    recorded(ALICE, ALICE_KEY, ['set_date' => '2026-11-01 10:00:00']);
    recorded(BOB, ALICE_KEY, ['set_date' => '2026-11-02 10:00:00']);
    request(ALICE_KEY, accepted(BOB));
    same(['reads' => 1, 'writes' => 1], statementCounts(), 'statements');
    same([NULL, NOW], [rowOf(ALICE)['last_used_date'], rowOf(BOB)['last_used_date']], 'last used of each');
  },

  'a failing read: logged without the key or its fingerprint, nothing refused, the request goes on' => function (): void {
    site([ALICE => ALICE_KEY]);
    Database::$failure = fn(string $sql) => new \RuntimeException("DB Error: no such table [SELECT ... c.api_key = '" . ALICE_KEY . "' WHERE r.key_fingerprint = '" . KeyRecords::fingerprint(ALICE_KEY) . "']");
    same(NULL, request(ALICE_KEY, accepted(ALICE)), 'rejection');
    same(1, count(World::$log), 'log entries');
    same('warning', World::$log[0][0], 'log level');
    expect(str_contains(World::$log[0][2]['cause'], 'no such table'), 'the cause is logged');
    noSecretAnywhere(ALICE_KEY);
  },

  'a failing write: logged without the key or its fingerprint, the request goes on' => function (): void {
    site([ALICE => ALICE_KEY]);
    recorded(ALICE, ALICE_KEY, ['set_date' => '2026-11-01 10:00:00', 'last_used_date' => secondsBefore(600)]);
    Database::$failure = fn(string $sql) => preg_match('/^(UPDATE|REPLACE)/', $sql)
      ? new \RuntimeException("DB Error: lock wait timeout [UPDATE ... '" . addslashes(ALICE_KEY) . "' " . KeyRecords::fingerprint(ALICE_KEY) . ']')
      : NULL;
    same(NULL, request(ALICE_KEY, accepted(ALICE)), 'rejection');
    same(1, count(World::$log), 'log entries');
    same(ALICE, World::$log[0][2]['contact'], 'contact named in the log');
    expect(str_contains(World::$log[0][2]['cause'], 'lock wait timeout'), 'the cause is logged');
    noSecretAnywhere(ALICE_KEY);
    // A key that needs its row started afresh fails the same way.
    site([ALICE => ALICE_KEY]);
    Database::$failure = fn(string $sql) => str_starts_with($sql, 'REPLACE') ? new \RuntimeException('DB Error: ' . $sql) : NULL;
    same(NULL, request(ALICE_KEY, accepted(ALICE)), 'rejection');
    same(1, count(World::$log), 'log entries');
    noSecretAnywhere(ALICE_KEY);
  },

  'the table never holds the key: only its SHA-256' => function (): void {
    site([ALICE => ALICE_KEY]);
    request(ALICE_KEY, accepted(ALICE));
    $dump = json_encode(Database::rows('SELECT * FROM civicrm_apikeytab_key'));
    expect(!str_contains($dump, ALICE_KEY), 'no key in the table');
    same(hash('sha256', ALICE_KEY), rowOf(ALICE)['key_fingerprint'], 'fingerprint');
  },
];

report($cases);
