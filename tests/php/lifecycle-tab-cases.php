<?php
// TabFacts: the tab's `lifecycle` binding (docs/design-1.1.md), and ContactTab handing it over.

use ApiKeyTabTests\Database;
use ApiKeyTabTests\World;
use Civi\ApiKeyTab\Lifecycle\KeyRecords;
use Civi\ApiKeyTab\Lifecycle\TabFacts;
use Civi\ApiKeyTab\Lifecycle\TrackingStart;
use Civi\ApiKeyTab\Tab\ContactTab;
use Civi\Core\Event\GenericHookEvent;

require __DIR__ . '/lifecycle-support.php';

const SINCE = '2026-11-15 12:00:00';
const NO_POLICY = ['default_days' => NULL, 'max_days' => NULL, 'notice_days' => 7];

function trackingSince(): void {
  World::$settings[TrackingStart::SETTING] = SINCE;
}

$cases = [
  'a used key, for a viewer who may read keys: when and from where, its expiry; one query by contact' => function (): void {
    site([ALICE => ALICE_KEY]);
    trackingSince();
    recorded(ALICE, ALICE_KEY, ['set_date' => '2026-11-20 10:00:00', 'last_used_date' => '2026-11-28 10:00:00', 'last_used_ip' => ADDRESS, 'expires_date' => '2027-03-01 08:30:00']);
    same([
      'last_used' => ['date' => '2026-11-28 10:00:00', 'ip' => ADDRESS],
      'usage_since' => NULL,
      'expires' => '2027-03-01 08:30:00',
      'policy' => NO_POLICY,
    ], TabFacts::forContact(ALICE, ALICE_KEY, TRUE), 'lifecycle');
    same(1, count(Database::$statements), 'statements');
    expect(str_contains(Database::$statements[0][0], 'WHERE contact_id = %1'), 'by contact_id (its unique index)');
  },

  'a viewer who may not read keys sees the date, not the address' => function (): void {
    site([ALICE => ALICE_KEY]);
    recorded(ALICE, ALICE_KEY, ['set_date' => '2026-11-20 10:00:00', 'last_used_date' => '2026-11-28 10:00:00', 'last_used_ip' => ADDRESS]);
    same(['date' => '2026-11-28 10:00:00', 'ip' => NULL], TabFacts::forContact(ALICE, ALICE_KEY, FALSE)['last_used'], 'last_used');
    expect(!str_contains(json_encode(TabFacts::forContact(ALICE, ALICE_KEY, FALSE)), ADDRESS), 'the address is nowhere in the binding');
  },

  'set through the API and never used: "Never used" (no last use, no usage_since)' => function (): void {
    site([ALICE => ALICE_KEY]);
    trackingSince();
    recorded(ALICE, ALICE_KEY, ['set_date' => '2026-11-20 10:00:00']);
    $facts = TabFacts::forContact(ALICE, ALICE_KEY, TRUE);
    same([NULL, NULL, NULL], [$facts['last_used'], $facts['usage_since'], $facts['expires']], 'last_used, usage_since, expires');
  },

  'a key from before the extension (no row): "No use recorded since" the date recording began' => function (): void {
    site([ALICE => ALICE_KEY]);
    trackingSince();
    same(['last_used' => NULL, 'usage_since' => SINCE, 'expires' => NULL, 'policy' => NO_POLICY], TabFacts::forContact(ALICE, ALICE_KEY, TRUE), 'lifecycle');
  },

  'a row started at a first use (set date unknown): the use, and usage_since' => function (): void {
    site([ALICE => ALICE_KEY]);
    trackingSince();
    request(ALICE_KEY, accepted(ALICE));
    $facts = TabFacts::forContact(ALICE, ALICE_KEY, TRUE);
    same([['date' => NOW, 'ip' => ADDRESS], SINCE], [$facts['last_used'], $facts['usage_since']], 'last_used, usage_since');
  },

  "a row for another key counts as no row: nothing of the old key's use or expiry shows" => function (): void {
    site([ALICE => ALICE_KEY]);
    trackingSince();
    recorded(ALICE, BOB_KEY, ['set_date' => '2026-11-20 10:00:00', 'last_used_date' => '2026-11-28 10:00:00', 'last_used_ip' => ADDRESS, 'expires_date' => '2027-03-01 08:30:00']);
    same(['last_used' => NULL, 'usage_since' => SINCE, 'expires' => NULL, 'policy' => NO_POLICY], TabFacts::forContact(ALICE, ALICE_KEY, TRUE), 'lifecycle');
  },

  'no key: no query, and the policy is still there (Generate needs it)' => function (): void {
    site([ALICE => NULL]);
    World::$settings += ['apikeytab_default_lifetime' => 90, 'apikeytab_max_lifetime' => 365, 'apikeytab_reminder_days' => 14];
    foreach ([NULL, ''] as $none) {
      same(['last_used' => NULL, 'usage_since' => NULL, 'expires' => NULL, 'policy' => ['default_days' => 90, 'max_days' => 365, 'notice_days' => 14]], TabFacts::forContact(ALICE, $none, TRUE), 'lifecycle for ' . var_export($none, TRUE));
    }
    same([], Database::$statements, 'statements');
  },

  'policy from the settings: 0 means never / no maximum; absent settings read as never, none, 7 days' => function (): void {
    site([ALICE => NULL]);
    same(NO_POLICY, TabFacts::forContact(ALICE, NULL, TRUE)['policy'], 'no settings');
    World::$settings += ['apikeytab_default_lifetime' => 0, 'apikeytab_max_lifetime' => '0', 'apikeytab_reminder_days' => '7'];
    same(NO_POLICY, TabFacts::forContact(ALICE, NULL, TRUE)['policy'], 'zeros');
  },

  'a failing lookup: null (the tab shows as in 1.0), logged without the key' => function (): void {
    site([ALICE => ALICE_KEY]);
    Database::$failure = fn(string $sql) => new \RuntimeException('DB Error: gone away');
    same(NULL, TabFacts::forContact(ALICE, ALICE_KEY, TRUE), 'lifecycle');
    same(1, count(World::$log), 'log entries');
    same([ALICE, 'error'], [World::$log[0][2]['contact'], World::$log[0][0]], 'contact and level');
    noSecretAnywhere(ALICE_KEY);
  },

  "ContactTab hands it over in the tab's entry as `lifecycle`" => function (): void {
    site([ALICE => ALICE_KEY]);
    World::$permissions = ['administer CiviCRM', 'edit all contacts'];
    World::$loggedInContactId = ADMIN_ID;
    World::$settings += ['dateformatDatetime' => '%B %E%f, %Y %l:%M %P', 'dateformatTime' => '%l:%M %P'];
    recorded(ALICE, ALICE_KEY, ['set_date' => '2026-11-20 10:00:00', 'last_used_date' => '2026-11-28 10:00:00', 'last_used_ip' => ADDRESS]);
    $tabs = [];
    $event = GenericHookEvent::create(['tabsetName' => 'civicrm/contact/view', 'tabs' => &$tabs, 'context' => ['contact_id' => ALICE, 'contact_type' => 'Individual', 'contact_sub_type' => []]]);
    (new ContactTab())->onTabset($event);
    same(['date' => '2026-11-28 10:00:00', 'ip' => ADDRESS], $tabs[0]['lifecycle']['last_used'] ?? 'missing', 'lifecycle.last_used in the entry');
    $template = file_get_contents(ROOT . '/templates/apikeytab/ApiKeyTab.tpl');
    expect(str_contains($template, 'lifecycle="{$apiKeyTab.lifecycle|@json|escape}"'), 'the template binds it as lifecycle');
  },
];

report($cases);
