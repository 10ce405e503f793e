<?php
// Keys that end (issue 13), server side: the settings and their validation, Policy's rules for a
// chosen expiry, ApiKeyRecord.setExpiry and the daily job ApiKeyRecord.expire with its reminder,
// under php-cli with CiviCRM replaced by civicrm-stubs.php, lifecycle-stubs.php (the key table in
// SQLite, written by the real KeyRecords) and expiry-stubs.php. A revoke by the job runs core's
// hooks through the real KeyAudit and KeyRecordSync, as CRM_Contact_BAO_Contact::create() would.

use ApiKeyTabTests\Database;
use ApiKeyTabTests\Dispatcher;
use ApiKeyTabTests\Lifecycle;
use ApiKeyTabTests\World;
use Civi\Api4\Action\ApiKeyRecord\Expire;
use Civi\Api4\Action\ApiKeyRecord\SetExpiry;
use Civi\ApiKeyTab\Audit\KeyAudit;
use Civi\ApiKeyTab\Lifecycle\ExpiryReminder;
use Civi\ApiKeyTab\Lifecycle\KeyRecords;
use Civi\ApiKeyTab\Lifecycle\KeyRecordSync;
use Civi\ApiKeyTab\Lifecycle\LifetimeSettings;
use Civi\ApiKeyTab\Lifecycle\Policy;
use Civi\Core\Event\GenericHookEvent;
use Civi\Core\Event\PostEvent;
use Civi\Core\Event\PreEvent;
use Civi\Core\Service\AutoSubscriber;

require __DIR__ . '/harness.php';
require __DIR__ . '/expiry-stubs.php';

const ADMIN = 2;
const JANE = 3;
const STAFF = 4;
const SELF_SERVICE = 5;
const BOB = 6;
const KEY = 'Ab3xQ9rT7mK2pL8vN4wZ6yH1jF5dS0cX';
const OTHER_KEY = 'Zq8WmR3tY6uI1oP4aS7dF0gH2jK5lX9c';
const THIRD_KEY = 'Pm4nB7vC1xZ9lK3jH6gF2dS8aQ5wE0rT';
/** World::$now of every case. */
const NOW = '2026-12-01 08:30:00';

/**
 * A site: contacts with keys (World and the SQLite contact table), names, emails, settings.
 */
function site(array $permissions, ?int $viewer, array $apiKeys, array $settings = []): void {
  given($permissions, $viewer, $apiKeys + [ADMIN => NULL, JANE => NULL, STAFF => NULL, SELF_SERVICE => NULL, BOB => NULL]);
  Lifecycle::reset();
  Database::fresh();
  Database::syncContacts();
  World::$settings = $settings;
  Lifecycle::$names = [ADMIN => 'Admin', JANE => 'Jane Doe', STAFF => 'Sam Staff', SELF_SERVICE => 'Sue Self', BOB => 'Bob'];
  (new ReflectionProperty(KeyAudit::class, 'revokeSubjects'))->setValue(NULL, []);
}

function row(int $contactId): ?array {
  return Database::keyRow($contactId);
}

function setExpiry(int $contactId, $expiresIn = NULL, $expiresOn = NULL): array {
  $action = (new SetExpiry('ApiKeyRecord', 'setExpiry'))->setContactId($contactId);
  if ($expiresIn !== NULL) {
    $action->setExpiresIn($expiresIn);
  }
  if ($expiresOn !== NULL) {
    $action->setExpiresOn($expiresOn);
  }
  return $action->execute()->getArrayCopy();
}

/**
 * @return \Throwable what setExpiry threw
 */
function setExpiryRefused(int $contactId, $expiresIn = NULL, $expiresOn = NULL): Throwable {
  try {
    setExpiry($contactId, $expiresIn, $expiresOn);
  }
  catch (Throwable $e) {
    return $e;
  }
  throw new RuntimeException('setExpiry was not refused');
}

function refusal(callable $choose): string {
  try {
    $choose();
  }
  catch (CRM_Core_Exception $e) {
    return $e->getMessage();
  }
  throw new RuntimeException('not refused');
}

/**
 * Core's dispatcher with the extension's subscribers, and Contact.update playing the BAO's pre,
 * write, post around the stand-in's write.
 */
function hooksAroundContactUpdates(): void {
  $dispatcher = new Dispatcher();
  $dispatcher->addSubscriber(KeyAudit::class);
  $dispatcher->addSubscriber(KeyRecordSync::class);
  World::$duringContactUpdate = function (array $call) use ($dispatcher): void {
    [[, , $id]] = $call['where'];
    $params = $call['values'];
    $dispatcher->dispatch('hook_civicrm_pre', new PreEvent('edit', 'Individual', $id, $params));
    if (array_key_exists('api_key', $params)) {
      World::$apiKeys[$id] = $params['api_key'];
    }
    $dao = (object) ['id' => $id, 'api_key' => $params['api_key'] ?? 'null'];
    $dispatcher->dispatch('hook_civicrm_post', new PostEvent('edit', 'Individual', $id, $dao));
  };
}

function runJob(): array {
  return (new Expire('ApiKeyRecord', 'expire'))->setCheckPermissions(FALSE)->execute()->getArrayCopy();
}

function expiredActivities(): array {
  return array_values(array_filter(World::$activities, fn(array $a): bool => $a['values']['subject'] === 'API key expired'));
}

function mailedTo(): array {
  return array_map(fn(array $mail): string => $mail['toEmail'], Lifecycle::$mails);
}

$settingsFile = require ROOT . '/settings/apikeytab.setting.php';

report([
  'settings: three domain settings of group apikeytab on its admin page, numbers of days validated by one callback' => function () use ($settingsFile): void {
    same([Policy::DEFAULT_LIFETIME, Policy::MAX_LIFETIME, Policy::REMINDER_DAYS], array_keys($settingsFile), 'setting names');
    same(['apikeytab_default_lifetime', 'apikeytab_max_lifetime', 'apikeytab_reminder_days'], array_keys($settingsFile), 'the names of docs/design-1.1.md');
    $weights = [];
    foreach ($settingsFile as $name => $meta) {
      same($name, $meta['name'], "$name: name");
      same('apikeytab', $meta['group'], "$name: group (setting-admin's page)");
      same('Integer', $meta['type'], "$name: type");
      same('number', $meta['html_type'], "$name: html_type");
      same(1, $meta['is_domain'], "$name: is_domain");
      same(0, $meta['is_contact'], "$name: is_contact");
      same('Civi\ApiKeyTab\Lifecycle\LifetimeSettings::validateDays', $meta['validate_callback'], "$name: validate_callback");
      expect(is_callable(explode('::', $meta['validate_callback'])), "$name: the callback exists");
      expect(!isset($meta['html_attributes']['min']) && !isset($meta['html_attributes']['max']), "$name: no min/max, whose generic message would replace the callback's");
      expect(strlen($meta['title']) > 10 && strlen($meta['description']) > 30, "$name: title and description");
      $weights[] = $meta['settings_pages']['apikeytab']['weight'];
    }
    same([10, 20, 30], $weights, 'the order on civicrm/admin/setting/apikeytab');
    same([0, 0, 7], array_column($settingsFile, 'default'), 'defaults: never, no maximum, 7 days of notice');
  },

  'settings: a negative, fractional, non-numeric, empty or absurd number of days is refused with a message naming the setting' => function () use ($settingsFile): void {
    $meta = $settingsFile[Policy::MAX_LIFETIME];
    foreach ([-1, '-5', '1.5', 'abc', '', NULL, 36501, '99999999999'] as $bad) {
      $value = $bad;
      $message = refusal(fn() => LifetimeSettings::validateDays($value, $meta));
      same('Maximum key lifetime (days): enter a whole number of days from 0 to 36500.', $message, 'message for ' . var_export($bad, TRUE));
      same($bad, $value, 'the refused value is left as it was');
    }
    foreach (['30' => 30, ' 365 ' => 365, 0 => 0, 36500 => 36500] as $good => $saved) {
      $value = $good;
      same(TRUE, LifetimeSettings::validateDays($value, $meta), "accepts $good");
      same($saved, $value, "saved as the int $saved");
    }
  },

  'settings form: a maximum below the default, "never" under a maximum, or notice longer than the maximum are refused on the field; sensible values pass' => function (): void {
    $validate = function (array $fields): array {
      $errors = [];
      $event = GenericHookEvent::create(['formName' => 'CRM_Admin_Form_Generic', 'fields' => $fields, 'files' => [], 'form' => new stdClass(), 'errors' => &$errors]);
      $method = LifetimeSettings::getSubscribedEvents()['hook_civicrm_validateForm'];
      (new LifetimeSettings())->$method($event);
      return $errors;
    };
    $fields = fn($default, $max, $notice) => ['apikeytab_default_lifetime' => $default, 'apikeytab_max_lifetime' => $max, 'apikeytab_reminder_days' => $notice, 'qfKey' => 'x'];
    same([Policy::MAX_LIFETIME => 'The maximum lifetime (30 days) is shorter than the default lifetime (90 days): raise the maximum or lower the default.'],
      $validate($fields('90', '30', '7')), 'maximum below default');
    same([Policy::DEFAULT_LIFETIME => 'With a maximum lifetime of 365 days, keys cannot default to never expiring: enter a default of at most 365 days.'],
      $validate($fields('0', '365', '7')), 'never under a maximum');
    same([Policy::REMINDER_DAYS => 'The reminder (14 days before the end) would go out before a key of the maximum lifetime (10 days) is even made: enter at most 10 days.'],
      $validate($fields('10', '10', '14')), 'notice longer than the maximum');
    same([], $validate($fields('90', '365', '7')), 'default within the maximum');
    same([], $validate($fields('0', '0', '0')), 'never, no maximum, no reminder');
    same([], $validate($fields('365', '365', '7')), 'default equal to the maximum');
    same([], $validate($fields('-1', '30', '7')), "a value each field's own rule refuses is left to that rule");
  },

  'settings form: other forms and other settings pages are left alone' => function (): void {
    $errors = [];
    $fields = ['apikeytab_default_lifetime' => '90', 'apikeytab_max_lifetime' => '30', 'apikeytab_reminder_days' => '7'];
    $event = GenericHookEvent::create(['formName' => 'CRM_Contact_Form_Contact', 'fields' => $fields, 'files' => [], 'form' => new stdClass(), 'errors' => &$errors]);
    (new LifetimeSettings())->onValidateForm($event);
    same([], $errors, 'another form');
    $event = GenericHookEvent::create(['formName' => 'CRM_Admin_Form_Generic', 'fields' => ['mailing_backend' => 'x'], 'files' => [], 'form' => new stdClass(), 'errors' => &$errors]);
    (new LifetimeSettings())->onValidateForm($event);
    same([], $errors, 'another settings page');
    expect(is_subclass_of(LifetimeSettings::class, AutoSubscriber::class), 'an AutoSubscriber, found by scan-classes');
  },

  'policy: settings read with their defaults; a default of never or beyond the maximum is read as the maximum' => function (): void {
    site([], NULL, []);
    same(['default_days' => NULL, 'max_days' => NULL, 'notice_days' => 7], Policy::current()->forTab(), 'nothing set: never, no maximum, 7 days');
    World::$settings = ['apikeytab_default_lifetime' => '90', 'apikeytab_max_lifetime' => 365, 'apikeytab_reminder_days' => '0'];
    same(['default_days' => 90, 'max_days' => 365, 'notice_days' => 0], Policy::current()->forTab(), 'as set (strings or ints)');
    World::$settings = ['apikeytab_default_lifetime' => 0, 'apikeytab_max_lifetime' => 30];
    same(30, Policy::current()->defaultDays(), '"never" under a maximum of 30');
    World::$settings = ['apikeytab_default_lifetime' => 400, 'apikeytab_max_lifetime' => 30];
    same(30, Policy::current()->defaultDays(), 'a default of 400 under a maximum of 30');
    World::$settings = ['apikeytab_default_lifetime' => -3, 'apikeytab_max_lifetime' => 'abc', 'apikeytab_reminder_days' => -1];
    same(['default_days' => NULL, 'max_days' => NULL, 'notice_days' => 7], Policy::current()->forTab(), 'nonsense stored through another path is read as the defaults');
  },

  'policy: expiresIn N days ends N days from now, same time; under 1 day or past the maximum is refused' => function (): void {
    $now = strtotime(NOW);
    $open = Policy::fromDays(0, 0, 7);
    same('2026-12-31 08:30:00', $open->chosenExpiry(30, NULL, $now), '30 days');
    same('2027-12-01 08:30:00', $open->chosenExpiry('365', NULL, $now), '1 year, given as a string');
    same('The key must expire after a whole number of days, 1 or more.', refusal(fn() => $open->chosenExpiry(0, NULL, $now)), '0 days');
    same('The key must expire after a whole number of days, 1 or more.', refusal(fn() => $open->chosenExpiry(-3, NULL, $now)), 'negative');
    same('The key must expire after a whole number of days, 1 or more.', refusal(fn() => $open->chosenExpiry('2.5', NULL, $now)), 'fraction');
    $capped = Policy::fromDays(90, 90, 7);
    same('2027-03-01 08:30:00', $capped->chosenExpiry(90, NULL, $now), 'exactly the maximum');
    same('API keys on this site may live at most 90 days: choose an earlier expiry.', refusal(fn() => $capped->chosenExpiry(91, NULL, $now)), 'a day past it');
  },

  'policy: expiresOn ends at the end of that day, site time; today is allowed, the past and non-dates are refused' => function (): void {
    $now = strtotime(NOW);
    $open = Policy::fromDays(0, 0, 7);
    same('2027-01-15 23:59:59', $open->chosenExpiry(NULL, '2027-01-15', $now), 'a later day');
    same('2026-12-01 23:59:59', $open->chosenExpiry(NULL, '2026-12-01', $now), 'today: the key ends tonight');
    same('The expiry date has already passed: choose today or a later day.', refusal(fn() => $open->chosenExpiry(NULL, '2026-11-30', $now)), 'yesterday');
    foreach (['2027-02-30', '15/01/2027', '2027-1-5', '2027-01-15 10:00:00', 'tomorrow'] as $bad) {
      same('The expiry date must be a date written YYYY-MM-DD.', refusal(fn() => $open->chosenExpiry(NULL, $bad, $now)), "not a date: $bad");
    }
    same('Choose either a number of days or a date for the key to expire, not both.', refusal(fn() => $open->chosenExpiry(30, '2027-01-15', $now)), 'both');
  },

  'policy: expiresOn past the maximum is refused; the last day within it is allowed' => function (): void {
    $now = strtotime(NOW);
    $capped = Policy::fromDays(30, 30, 7);
    same('2026-12-31 23:59:59', $capped->chosenExpiry(NULL, '2026-12-31', $now), '30 calendar days from today');
    same('API keys on this site may live at most 30 days: choose an earlier expiry.', refusal(fn() => $capped->chosenExpiry(NULL, '2027-01-01', $now)), '31 days');
  },

  'policy: neither means never, refused under a maximum; a key set elsewhere gets the maximum, or no expiry' => function (): void {
    $now = strtotime(NOW);
    same(NULL, Policy::fromDays(90, 0, 7)->chosenExpiry(NULL, NULL, $now), 'never, without a maximum');
    same(NULL, Policy::fromDays(90, 0, 7)->chosenExpiry('', '', $now), 'empty values are "neither"');
    same('This site requires every API key to expire within 365 days: choose when this one ends.', refusal(fn() => Policy::fromDays(90, 365, 7)->chosenExpiry(NULL, NULL, $now)), 'never under a maximum');
    same('2027-12-01 08:30:00', Policy::fromDays(0, 365, 7)->expiryForKeySetElsewhere($now), 'with a maximum of 365 days');
    same(NULL, Policy::fromDays(90, 0, 7)->expiryForKeySetElsewhere($now), 'without a maximum, even with a default');
  },

  'setExpiry: an administrator sets an expiry; the row gets it, its reminder is cleared; the answer is [{contact_id, expires_date}]' => function (): void {
    site(['administer CiviCRM', 'edit all contacts'], ADMIN, [JANE => KEY]);
    KeyRecords::restart(JANE, KEY, ['set_date' => '2026-11-01 10:00:00', 'set_by' => ADMIN, 'last_used_date' => '2026-11-30 09:00:00', 'expires_date' => '2026-12-05 10:00:00']);
    Database::pdo()->exec("UPDATE civicrm_apikeytab_key SET reminder_sent_date = '2026-11-28 01:00:00'");
    same([['contact_id' => JANE, 'expires_date' => '2026-12-31 08:30:00']], setExpiry(JANE, 30), 'answer');
    $row = row(JANE);
    same('2026-12-31 08:30:00', $row['expires_date'], 'expires_date');
    same(NULL, $row['reminder_sent_date'], 'a new end gets its own reminder');
    same(['2026-11-01 10:00:00', (string) ADMIN, '2026-11-30 09:00:00'], [$row['set_date'], (string) $row['set_by'], $row['last_used_date']], 'the rest of the row stands');
    same([[JANE, CRM_Core_Permission::EDIT]], World::$accessChecks, 'edit access to the contact was asked');
    same([['contact_id' => JANE, 'expires_date' => NULL]], setExpiry(JANE), 'neither: never (no maximum)');
    same(NULL, row(JANE)['expires_date'], 'expiry removed');
  },

  'setExpiry: "edit api keys" without edit access to the contact is refused, and nothing is written' => function (): void {
    site(['edit api keys'], STAFF, [JANE => KEY]);
    KeyRecords::restart(JANE, KEY, ['expires_date' => '2026-12-05 10:00:00']);
    $e = setExpiryRefused(JANE, 30);
    expect($e instanceof \Civi\API\Exception\UnauthorizedException, 'UnauthorizedException, got ' . get_class($e));
    same('You may not change the API key of this contact.', $e->getMessage(), 'message');
    same('2026-12-05 10:00:00', row(JANE)['expires_date'], 'unchanged');
    World::$aclEditable = [JANE];
    setExpiry(JANE, 30);
    same('2026-12-31 08:30:00', row(JANE)['expires_date'], 'with edit access through an ACL it works');
  },

  'setExpiry: own key with "edit own api keys" and "edit my contact" is allowed; someone else\'s key is refused' => function (): void {
    site(['edit own api keys', 'edit my contact'], SELF_SERVICE, [SELF_SERVICE => KEY, JANE => OTHER_KEY]);
    same([['contact_id' => SELF_SERVICE, 'expires_date' => '2027-01-15 23:59:59']], setExpiry(SELF_SERVICE, NULL, '2027-01-15'), 'own key');
    $e = setExpiryRefused(JANE, 30);
    expect($e instanceof \Civi\API\Exception\UnauthorizedException, "someone else's key: UnauthorizedException");
    same(NULL, row(JANE), 'nothing written for Jane');
    site(['edit own api keys'], SELF_SERVICE, [SELF_SERVICE => KEY]);
    expect(setExpiryRefused(SELF_SERVICE, 30) instanceof \Civi\API\Exception\UnauthorizedException, 'own key without edit access to one\'s own contact: refused, as Contact.update would be');
    site(['edit own api keys', 'edit my contact'], NULL, [SELF_SERVICE => KEY]);
    expect(setExpiryRefused(SELF_SERVICE, 30) instanceof \Civi\API\Exception\UnauthorizedException, 'nobody logged in: refused');
  },

  'setExpiry: a contact without a key, or without a contactId, is refused; so is a choice the policy refuses, and nothing is written' => function (): void {
    site(['administer CiviCRM', 'edit all contacts'], ADMIN, [JANE => NULL, STAFF => KEY], ['apikeytab_max_lifetime' => 90]);
    same('This contact has no API key, so there is nothing to expire.', setExpiryRefused(JANE, 30)->getMessage(), 'no key');
    same(NULL, row(JANE), 'no row made');
    same('Say whose key this is: contactId is missing.', setExpiryRefused(0, 30)->getMessage(), 'no contact');
    KeyRecords::restart(STAFF, KEY, ['expires_date' => '2026-12-05 10:00:00']);
    same('API keys on this site may live at most 90 days: choose an earlier expiry.', setExpiryRefused(STAFF, 365)->getMessage(), 'past the maximum');
    same('This site requires every API key to expire within 90 days: choose when this one ends.', setExpiryRefused(STAFF)->getMessage(), 'never under a maximum');
    same('The expiry date has already passed: choose today or a later day.', setExpiryRefused(STAFF, NULL, '2026-01-01')->getMessage(), 'a past date');
    same('2026-12-05 10:00:00', row(STAFF)['expires_date'], 'the expiry stands after every refusal');
    expect(setExpiryRefused(STAFF, 365) instanceof CRM_Core_Exception, 'CRM_Core_Exception');
  },

  'setExpiry: a missing row, or one for another key, starts afresh for the key the contact has now' => function (): void {
    site(['administer CiviCRM', 'edit all contacts'], ADMIN, [JANE => KEY, STAFF => OTHER_KEY]);
    setExpiry(JANE, 30);
    $row = row(JANE);
    same(KeyRecords::fingerprint(KEY), $row['key_fingerprint'], 'a row for the current key');
    same(['2026-12-31 08:30:00', NULL, NULL, NULL], [$row['expires_date'], $row['set_date'], $row['set_by'], $row['last_used_date']], 'with the expiry and nothing it cannot know');
    KeyRecords::restart(STAFF, THIRD_KEY, ['set_date' => '2026-10-01 00:00:00', 'last_used_date' => '2026-11-01 00:00:00', 'last_used_ip' => '203.0.113.7']);
    setExpiry(STAFF, 30);
    $row = row(STAFF);
    same(KeyRecords::fingerprint(OTHER_KEY), $row['key_fingerprint'], 'the row now speaks for the key stored now');
    same([NULL, NULL, '2026-12-31 08:30:00'], [$row['last_used_date'], $row['last_used_ip'], $row['expires_date']], "the other key's use is not this key's");
    foreach (Database::$statements as [$sql, $params]) {
      foreach ($params as [$value]) {
        expect(!str_contains((string) $value, KEY) && !str_contains((string) $value, OTHER_KEY), 'no key in the table');
      }
    }
  },

  'a key set elsewhere (any Contact.update with api_key) expires after the site maximum; without a maximum it does not expire' => function (): void {
    site(['administer CiviCRM', 'edit all contacts'], ADMIN, [JANE => NULL, STAFF => NULL], ['apikeytab_default_lifetime' => 30, 'apikeytab_max_lifetime' => 90]);
    hooksAroundContactUpdates();
    \Civi\Api4\Contact::update(FALSE)->addWhere('id', '=', JANE)->addValue('api_key', KEY)->execute();
    same(['2027-03-01 08:30:00', (string) ADMIN], [row(JANE)['expires_date'], (string) row(JANE)['set_by']], 'the maximum (not the default), set by the admin');
    World::$settings = ['apikeytab_default_lifetime' => 30];
    \Civi\Api4\Contact::update(FALSE)->addWhere('id', '=', STAFF)->addValue('api_key', OTHER_KEY)->execute();
    same(NULL, row(STAFF)['expires_date'], 'no maximum: no expiry, whatever the default');
  },

  'job: managed/Job.mgd.php declares apikeytab_expire_keys, daily, ApiKeyRecord.expire, APIv4 without permission checks' => function (): void {
    $records = require ROOT . '/managed/Job.mgd.php';
    same(1, count($records), 'one record');
    [$job] = $records;
    same('Job', $job['entity'], 'entity');
    same(4, $job['params']['version'], 'managed through APIv4');
    same(['name'], $job['params']['match'], 'matched by name');
    same('unmodified', $job['update'], "the site's changes to the job stand");
    $values = $job['params']['values'];
    same(['apikeytab_expire_keys', 'Daily', 'ApiKeyRecord', 'expire', TRUE], [$values['name'], $values['run_frequency'], $values['api_entity'], $values['api_action'], $values['is_active']], 'the job');
    same(['version' => 4, 'checkPermissions' => FALSE], json_decode($values['parameters'], TRUE), 'parameters');
    expect(method_exists(Expire::class, '_run'), 'the action exists');
  },

  'job: an expired key is revoked through Contact.update(FALSE) in its own transaction, recorded as "API key expired"; keys that end later stay' => function (): void {
    site([], NULL, [JANE => KEY, STAFF => OTHER_KEY, BOB => THIRD_KEY], ['apikeytab_reminder_days' => 0]);
    KeyRecords::restart(JANE, KEY, ['set_by' => ADMIN, 'expires_date' => '2026-11-30 23:59:59']);
    KeyRecords::restart(STAFF, OTHER_KEY, ['expires_date' => NOW]);
    KeyRecords::restart(BOB, THIRD_KEY, ['expires_date' => '2026-12-01 08:30:01']);
    hooksAroundContactUpdates();
    same([['revoked' => 2, 'reminded' => 0, 'failed' => 0]], runJob(), 'summary');
    same([JANE => NULL, STAFF => NULL, BOB => THIRD_KEY], array_intersect_key(World::$apiKeys, [JANE => 1, STAFF => 1, BOB => 1]), 'keys: ended ones revoked (the one ending at this second too), the later one kept');
    $updates = array_map(fn($u) => [$u['checkPermissions'], $u['where'], $u['values']], World::$contactUpdates);
    same([[FALSE, [['id', '=', JANE]], ['api_key' => NULL]], [FALSE, [['id', '=', STAFF]], ['api_key' => NULL]]], $updates, 'two APIv4 updates without permission checks');
    same(['begin', 'commit', 'begin', 'commit'], Lifecycle::$transactions, 'one transaction per key');
    $expired = expiredActivities();
    same([[JANE], [STAFF]], array_map(fn($a) => $a['values']['target_contact_id'], $expired), '"API key expired" on each revoked contact');
    same(2, count(World::$activities), 'and no other activity');
    same([NULL, NULL], [row(JANE), row(STAFF)], 'their rows follow the revoke (KeyRecordSync)');
    expect(row(BOB) !== NULL, "the later key's row stays");
  },

  'job: one reminder per key, notice days before its end, to whoever set it and to the contact, with nothing of the key' => function (): void {
    site([], NULL, [JANE => KEY, STAFF => OTHER_KEY, BOB => THIRD_KEY], ['apikeytab_reminder_days' => 7]);
    Lifecycle::$emails = [ADMIN => 'admin@example.org', JANE => 'jane@example.org', STAFF => 'sam@example.org'];
    KeyRecords::restart(JANE, KEY, ['set_by' => ADMIN, 'expires_date' => '2026-12-08 08:30:00']);
    KeyRecords::restart(STAFF, OTHER_KEY, ['set_by' => STAFF, 'expires_date' => '2026-12-03 12:00:00']);
    KeyRecords::restart(BOB, THIRD_KEY, ['set_by' => ADMIN, 'expires_date' => '2026-12-08 08:30:01']);
    same([['revoked' => 0, 'reminded' => 2, 'failed' => 0]], runJob(), 'summary');
    same(['sam@example.org', 'admin@example.org', 'jane@example.org'], mailedTo(), 'soonest end first: Sam set his own, one message; Jane\'s key to its setter and to Jane; Bob\'s ends past the 7 days');
    $mail = Lifecycle::$mails[1];
    same('apikeytab_expiry_reminder', $mail['workflow'], 'the workflow template');
    same([ADMIN, 'Admin', '"Example Org" <info@example.org>'], [$mail['contactId'], $mail['toName'], $mail['from']], 'recipient and sender');
    same([
      'contactName' => 'Jane Doe',
      'expiresOn' => 'December 8th, 2026 8:30 AM',
      'daysLeft' => 7,
      'contactUrl' => 'https://example.org/civicrm/contact/view?reset=1&cid=3&selectedChild=apikey',
    ], $mail['tplParams'], 'what the template gets');
    $everything = json_encode([Lifecycle::$mails, World::$log]);
    foreach ([KEY, OTHER_KEY, substr(KEY, -4), KeyRecords::fingerprint(KEY)] as $secret) {
      expect(!str_contains($everything, $secret), 'no part of a key, nor its fingerprint, in any message or log');
    }
    same([NOW, NOW, NULL], [row(JANE)['reminder_sent_date'], row(STAFF)['reminder_sent_date'], row(BOB)['reminder_sent_date']], 'recorded for the keys reminded');
    same([KEY, OTHER_KEY], [World::$apiKeys[JANE], World::$apiKeys[STAFF]], 'reminding revokes nothing');
  },

  'job: a second run sends nothing and revokes nothing' => function (): void {
    site([], NULL, [JANE => KEY, STAFF => OTHER_KEY]);
    Lifecycle::$emails = [JANE => 'jane@example.org', STAFF => 'sam@example.org'];
    KeyRecords::restart(JANE, KEY, ['expires_date' => '2026-12-05 00:00:00']);
    KeyRecords::restart(STAFF, OTHER_KEY, ['expires_date' => '2026-11-01 00:00:00']);
    hooksAroundContactUpdates();
    same([['revoked' => 1, 'reminded' => 1, 'failed' => 0]], runJob(), 'first run');
    $mails = count(Lifecycle::$mails);
    $updates = count(World::$contactUpdates);
    World::$now = '2026-12-02 08:30:00';
    same([['revoked' => 0, 'reminded' => 0, 'failed' => 0]], runJob(), 'next day');
    same([1, 1], [$mails, count(Lifecycle::$mails)], 'no second reminder');
    same([1, 1], [$updates, count(World::$contactUpdates)], 'no second revoke');
    same(1, count(expiredActivities()), 'one "API key expired"');
  },

  'job: one key failing to revoke: the others go on, that key stays whole and unrecorded, the next run revokes it' => function (): void {
    site([], NULL, [JANE => KEY, STAFF => OTHER_KEY, BOB => THIRD_KEY], ['apikeytab_reminder_days' => 0]);
    foreach ([JANE => KEY, STAFF => OTHER_KEY, BOB => THIRD_KEY] as $id => $key) {
      KeyRecords::restart($id, $key, ['expires_date' => '2026-11-30 00:00:00']);
    }
    hooksAroundContactUpdates();
    $withHooks = World::$duringContactUpdate;
    World::$duringContactUpdate = function (array $call) use ($withHooks): void {
      if ($call['where'] === [['id', '=', STAFF]]) {
        throw new RuntimeException("DB Error: deadlock while writing '" . OTHER_KEY . "'");
      }
      $withHooks($call);
    };
    same([['revoked' => 2, 'reminded' => 0, 'failed' => 1]], runJob(), 'summary');
    same([NULL, OTHER_KEY, NULL], [World::$apiKeys[JANE], World::$apiKeys[STAFF], World::$apiKeys[BOB]], 'Jane and Bob revoked after Sam failed; Sam keeps his key');
    same(['begin', 'commit', 'begin', 'rollback', 'begin', 'commit'], Lifecycle::$transactions, "Sam's transaction rolled back");
    expect(row(STAFF) !== NULL && row(STAFF)['expires_date'] === '2026-11-30 00:00:00', "Sam's row as it was");
    same([[JANE], [BOB]], array_map(fn($a) => $a['values']['target_contact_id'], expiredActivities()), 'no "API key expired" for Sam');
    $errors = array_values(array_filter(World::$log, fn($entry) => $entry[0] === 'error'));
    same(1, count($errors), 'one error logged');
    same(STAFF, $errors[0][2]['contact'], 'naming Sam');
    expect(!str_contains(json_encode(World::$log), OTHER_KEY), 'without the key the error quoted');
    World::$duringContactUpdate = $withHooks;
    same([['revoked' => 1, 'reminded' => 0, 'failed' => 0]], runJob(), 'the next run');
    same(NULL, World::$apiKeys[STAFF], 'revokes Sam\'s key');
  },

  'job: the activity failing after the revoke: the revoke stands, its row goes, the gap is logged without the key' => function (): void {
    site([], NULL, [JANE => KEY], ['apikeytab_reminder_days' => 0]);
    KeyRecords::restart(JANE, KEY, ['expires_date' => '2026-11-30 00:00:00']);
    hooksAroundContactUpdates();
    // A database error that quotes what it was given, as MySQL's do.
    World::$activityCreateFailure = new RuntimeException("DB Error: lock wait timeout near '" . KEY . "' (" . KeyRecords::fingerprint(KEY) . ')');
    same([['revoked' => 1, 'reminded' => 0, 'failed' => 0]], runJob(), 'summary');
    same(NULL, World::$apiKeys[JANE], 'the key is revoked');
    same(NULL, row(JANE), 'and its row removed');
    same(['begin', 'commit'], Lifecycle::$transactions, 'the transaction committed');
    same([], expiredActivities(), 'no activity');
    $errors = array_values(array_filter(World::$log, fn($entry) => $entry[0] === 'error'));
    same(1, count($errors), 'one error logged');
    same(JANE, $errors[0][2]['contact'], 'naming Jane');
    expect(str_contains($errors[0][1] . json_encode($errors[0][2]), 'lock wait timeout'), 'with the cause');
    $log = json_encode(World::$log);
    expect(!str_contains($log, KEY) && !str_contains($log, KeyRecords::fingerprint(KEY)), 'without the key or its fingerprint');
    World::$activityCreateFailure = NULL;
    same([['revoked' => 0, 'reminded' => 0, 'failed' => 0]], runJob(), 'the next run has nothing to do');
  },

  'job: a reminder no message of which went out is given back, so the next run sends it; one that reached one recipient is not sent again' => function (): void {
    site([], NULL, [JANE => KEY, STAFF => OTHER_KEY]);
    Lifecycle::$emails = [ADMIN => 'admin@example.org', JANE => 'jane@example.org', STAFF => 'sam@example.org'];
    KeyRecords::restart(JANE, KEY, ['set_by' => ADMIN, 'expires_date' => '2026-12-05 00:00:00']);
    KeyRecords::restart(STAFF, OTHER_KEY, ['expires_date' => '2026-12-06 00:00:00']);
    Lifecycle::$mailFailure = function (array $params) {
      if ($params['toEmail'] === 'sam@example.org') {
        return FALSE;
      }
      return $params['toEmail'] === 'jane@example.org' ? new RuntimeException('SMTP 451') : NULL;
    };
    same([['revoked' => 0, 'reminded' => 1, 'failed' => 1]], runJob(), 'Jane\'s reached her setter only; Sam\'s reached nobody');
    same(['admin@example.org'], mailedTo(), 'sent');
    same([NOW, NULL], [row(JANE)['reminder_sent_date'], row(STAFF)['reminder_sent_date']], 'Jane\'s stays recorded, Sam\'s is given back');
    same(2, count(array_filter(World::$log, fn($entry) => $entry[0] === 'error')), 'each failed recipient logged');
    Lifecycle::$mailFailure = NULL;
    World::$now = '2026-12-02 08:30:00';
    same([['revoked' => 0, 'reminded' => 1, 'failed' => 0]], runJob(), 'the next run');
    same(['admin@example.org', 'sam@example.org'], mailedTo(), 'Sam gets his, and nobody a second one');
  },

  'job: the reminder is recorded before it is sent (a crash between them loses one, never sends two)' => function (): void {
    site([], NULL, [JANE => KEY]);
    Lifecycle::$emails = [JANE => 'jane@example.org'];
    KeyRecords::restart(JANE, KEY, ['expires_date' => '2026-12-05 00:00:00']);
    $recordedWhenSent = [];
    Lifecycle::$mailFailure = function () use (&$recordedWhenSent) {
      $recordedWhenSent[] = row(JANE)['reminder_sent_date'];
      return NULL;
    };
    runJob();
    same([NOW], $recordedWhenSent, 'already recorded when the mailer ran');
    same(ExpiryReminder::TAKEN, ExpiryReminder::send(['id' => (int) row(JANE)['id'], 'contact_id' => JANE] + row(JANE), NOW), 'a reminder another run recorded is not sent again');
    same(1, count(Lifecycle::$mails), 'one message');
  },

  'job: a row whose key was replaced outside the API, or is gone, is neither revoked nor reminded; notice 0 sends nothing; nobody to mail is recorded once' => function (): void {
    site([], NULL, [JANE => OTHER_KEY, STAFF => NULL, BOB => THIRD_KEY]);
    Lifecycle::$emails = [JANE => 'jane@example.org'];
    KeyRecords::restart(JANE, KEY, ['expires_date' => '2026-11-01 00:00:00']);
    Database::pdo()->exec('INSERT INTO civicrm_apikeytab_key (contact_id, key_fingerprint, expires_date) VALUES (' . STAFF . ", '" . KeyRecords::fingerprint(KEY) . "', '2026-12-03 00:00:00')");
    KeyRecords::restart(BOB, THIRD_KEY, ['expires_date' => '2026-12-04 00:00:00']);
    same([['revoked' => 0, 'reminded' => 0, 'failed' => 0]], runJob(), 'summary');
    same([OTHER_KEY, NULL, THIRD_KEY], [World::$apiKeys[JANE], World::$apiKeys[STAFF], World::$apiKeys[BOB]], "Jane's new key is not revoked for the old one's expiry");
    same([], Lifecycle::$mails, 'no reminder for a key that is not there; Bob has no email');
    same(NOW, row(BOB)['reminder_sent_date'], 'Bob: recorded, not looked for again');
    site([], NULL, [JANE => KEY], ['apikeytab_reminder_days' => 0]);
    Lifecycle::$emails = [JANE => 'jane@example.org'];
    KeyRecords::restart(JANE, KEY, ['expires_date' => '2026-12-02 00:00:00']);
    same([['revoked' => 0, 'reminded' => 0, 'failed' => 0]], runJob(), 'notice 0');
    same([[], NULL], [Lifecycle::$mails, row(JANE)['reminder_sent_date']], 'no reminder at all');
  },

  'managed/MessageTemplate.mgd.php: the reminder workflow, an editable default and the reserved original; no key among its variables' => function (): void {
    $records = require ROOT . '/managed/MessageTemplate.mgd.php';
    same(['MessageTemplate', 'MessageTemplate'], array_column($records, 'entity'), 'two message templates');
    [$default, $reserved] = $records;
    same(['unmodified', 'always'], [$default['update'], $reserved['update']], "the site's edits stand; the original follows the extension");
    foreach ([$default, $reserved] as $record) {
      $values = $record['params']['values'];
      same(ExpiryReminder::WORKFLOW, $values['workflow_name'], 'workflow_name');
      same(['workflow_name', 'is_reserved'], $record['params']['match'], 'match');
      foreach (['msg_subject', 'msg_text', 'msg_html'] as $part) {
        preg_match_all('/\{\$(\w+)/', $values[$part], $m);
        expect($m[1] !== [], "$part uses the template's variables");
        same([], array_diff($m[1], array_keys(ExpiryReminder::templateParams(['contact_id' => 3, 'expires_date' => '2026-12-08 08:30:00'], NOW))), "$part: only the variables ExpiryReminder passes");
        expect(!preg_match('/api_key|\{\$key/i', $values[$part]), "$part: no key");
      }
      expect(str_contains($values['msg_html'], '{$contactName|escape}'), 'the name is escaped in HTML');
    }
    same([[TRUE, FALSE], [FALSE, TRUE]], [[$default['params']['values']['is_default'], $default['params']['values']['is_reserved']], [$reserved['params']['values']['is_default'], $reserved['params']['values']['is_reserved']]], 'is_default / is_reserved');
  },
]);
