<?php
// The audit trail (Civi/ApiKeyTab/Audit/KeyAudit.php) and its managed activity type, checked under
// php-cli with CiviCRM replaced by civicrm-stubs.php (tests/php/harness.php). A contact write is
// played the way CRM_Contact_BAO_Contact::create() runs it: hook_civicrm_pre with the params, the
// write, then hook_civicrm_post with the saved DAO.

use ApiKeyTabTests\Dispatcher;
use ApiKeyTabTests\World;
use Civi\ApiKeyTab\Audit\KeyAudit;
use Civi\Core\Event\GenericHookEvent;
use Civi\Core\Event\PostEvent;
use Civi\Core\Event\PreEvent;
use Civi\Core\Service\AutoSubscriber;

require __DIR__ . '/harness.php';

const ADMIN = 2;
const JANE = 3;
const KEY = 'Ab3xQ9rT7mK2pL8vN4wZ6yH1jF5dS0cX';
const OTHER_KEY = 'Zq8WmR3tY6uI1oP4aS7dF0gH2jK5lX9c';
const LONG_KEY = 'Lg7hT2kW9pQ4rZ1mN6vB3xC8yF5jD0sAe';
const LONG_KEY_SAVED = 'Lg7hT2kW9pQ4rZ1mN6vB3xC8yF5j...';
const THIRD_KEY = 'Pm4nB7vC1xZ9lK3jH6gF2dS8aQ5wE0rT';
/** The contact of the domain's organization (CRM_Core_BAO_Domain::getDomain()->contact_id). */
const DOMAIN_CONTACT = 1;
const BY_COMMAND_LINE = 'Made from the command line: nobody was logged in.';
const BY_SCHEDULED_JOB = 'Made by a scheduled job: nobody was logged in.';

/**
 * Fields of core's OptionValue (ext/civigrant/managed/OptionGroup_contact_view_options_OptionValue_CiviGrant.mgd.php
 * in civicrm-core lists them all), with the implicit join APIv4 offers on option_group_id.
 */
const OPTION_VALUE_FIELDS = ['option_group_id', 'option_group_id.name', 'label', 'value', 'name', 'grouping', 'filter', 'is_default',
  'weight', 'description', 'is_optgroup', 'is_reserved', 'is_active', 'icon', 'color', 'component_id', 'domain_id', 'visibility_id'];

/**
 * A fresh request: nothing pending from an earlier case.
 */
function freshAudit(): void {
  foreach (['keyBefore' => [], 'recording' => FALSE, 'revokeSubjects' => [], 'jobs' => 0] as $property => $value) {
    // Only those the class has, so that these cases also run against older versions of it.
    if (property_exists(KeyAudit::class, $property)) {
      (new ReflectionProperty(KeyAudit::class, $property))->setValue(NULL, $value);
    }
  }
}

function pre(string $op, string $objectName, ?int $id, array $params): void {
  $event = new PreEvent($op, $objectName, $id, $params);
  [$method] = KeyAudit::getSubscribedEvents()['hook_civicrm_pre'];
  // A new instance each time: the pending state must not depend on core reusing one.
  (new KeyAudit())->$method($event);
}

function post(string $op, string $objectName, int $id, ?object $dao): void {
  $event = new PostEvent($op, $objectName, $id, $dao);
  $method = KeyAudit::getSubscribedEvents()['hook_civicrm_post'];
  (new KeyAudit())->$method($event);
}

/**
 * An edit through the BAO: $saved is what the column holds afterwards, and the DAO carries the
 * api_key only when the params did (the string 'null' where core writes NULL).
 */
function editContact(int $id, array $params, ?string $saved = NULL, string $contactType = 'Individual'): void {
  pre('edit', $contactType, $id, $params);
  $dao = (object) ['id' => $id];
  if (array_key_exists('api_key', $params)) {
    World::$apiKeys[$id] = $saved;
    $dao->api_key = $saved ?? 'null';
  }
  post('edit', $contactType, $id, $dao);
}

function keyRead(int $contactId): array {
  return ['checkPermissions' => FALSE, 'select' => ['api_key'], 'where' => [['id', '=', $contactId]]];
}

function activity(int $contactId, int $sourceId, string $subject, ?string $details = NULL): array {
  return [
    'checkPermissions' => FALSE,
    'values' => [
      'activity_type_id:name' => 'apikeytab_key_changed',
      'subject' => $subject,
      'status_id:name' => 'Completed',
      'source_contact_id' => $sourceId,
    ] + ($details === NULL ? [] : ['details' => $details]) + [
      'target_contact_id' => [$contactId],
      'activity_date_time' => 'now',
    ],
  ];
}

/**
 * Core's job manager around one scheduled job (CRM_Core_JobManager::executeJob()).
 */
function scheduledJob(callable $run): void {
  $events = KeyAudit::getSubscribedEvents();
  $params = ['version' => 3];
  (new KeyAudit())->{$events['hook_civicrm_preJob']}(GenericHookEvent::create(['job' => (object) ['name' => 'Expire API keys'], 'params' => &$params]));
  try {
    $run();
  }
  finally {
    $result = ['is_error' => 0];
    (new KeyAudit())->{$events['hook_civicrm_postJob']}(GenericHookEvent::create(['job' => (object) ['name' => 'Expire API keys'], 'params' => &$params, 'result' => &$result]));
  }
}

/**
 * One change of Jane's key by the administrator: what was recorded, and in how many queries.
 */
function janeChange($before, array $params, ?string $saved, array $expectedActivities): void {
  given(['administer CiviCRM'], ADMIN, [JANE => $before]);
  freshAudit();
  editContact(JANE, $params, $saved);
  same($expectedActivities, World::$activities, 'activities');
  same([keyRead(JANE), keyRead(JANE)], World::$queries, 'queries: the key before and after');
  same([], World::$log, 'log');
}

$cases = [
  'subscribes to hook_civicrm_pre (after hook functions), hook_civicrm_post and the job hooks as an AutoSubscriber' => function (): void {
    expect(is_subclass_of(KeyAudit::class, AutoSubscriber::class), 'KeyAudit does not extend AutoSubscriber');
    $events = KeyAudit::getSubscribedEvents();
    same(['hook_civicrm_pre', 'hook_civicrm_post', 'hook_civicrm_preJob', 'hook_civicrm_postJob'], array_keys($events), 'subscribed events');
    same('onPre', $events['hook_civicrm_pre'][0], 'pre listener');
    expect($events['hook_civicrm_pre'][1] < Dispatcher::DEFAULT_HOOK_PRIORITY, 'the pre listener does not run after the hook functions (priority -100, added last)');
    same(['onPost', 'onPreJob', 'onPostJob'], [$events['hook_civicrm_post'], $events['hook_civicrm_preJob'], $events['hook_civicrm_postJob']], 'other listeners');
  },

  'an old-style hook_civicrm_pre function that adds api_key to the params: the change is recorded' => function (): void {
    given(['administer CiviCRM'], ADMIN, [JANE => KEY]);
    freshAudit();
    $dispatcher = new Dispatcher();
    $dispatcher->addSubscriber(KeyAudit::class);
    // Another extension revokes the key of a contact moved to the trash, the old way.
    $dispatcher->addHookFunction('civicrm_pre', function ($op, $objectName, $id, &$params): void {
      if ($op === 'edit' && !empty($params['is_deleted'])) {
        $params['api_key'] = NULL;
      }
    });
    $params = ['id' => JANE, 'is_deleted' => 1];
    $dispatcher->dispatch('hook_civicrm_pre', new PreEvent('edit', 'Individual', JANE, $params));
    same(['id' => JANE, 'is_deleted' => 1, 'api_key' => NULL], $params, 'params after pre');
    World::$apiKeys[JANE] = NULL;
    $dao = (object) ['id' => JANE, 'is_deleted' => 1, 'api_key' => 'null'];
    $dispatcher->dispatch('hook_civicrm_post', new PostEvent('edit', 'Individual', JANE, $dao));
    same([activity(JANE, ADMIN, 'API key revoked')], World::$activities, 'activities');
  },

  'no key, then a key: "API key generated", by the logged-in contact' => function (): void {
    janeChange(NULL, ['api_key' => KEY], KEY, [activity(JANE, ADMIN, 'API key generated')]);
  },

  'an empty key counts as none: "API key generated"' => function (): void {
    janeChange('', ['api_key' => KEY], KEY, [activity(JANE, ADMIN, 'API key generated')]);
  },

  'a key, then another: "API key replaced"' => function (): void {
    janeChange(KEY, ['api_key' => OTHER_KEY], OTHER_KEY, [activity(JANE, ADMIN, 'API key replaced')]);
  },

  'a key, then null: "API key revoked"' => function (): void {
    janeChange(KEY, ['api_key' => NULL], NULL, [activity(JANE, ADMIN, 'API key revoked')]);
  },

  'a key, then \'\': "API key revoked"' => function (): void {
    // Core stores '' as NULL; a stored '' would count the same.
    janeChange(KEY, ['api_key' => ''], NULL, [activity(JANE, ADMIN, 'API key revoked')]);
    janeChange(KEY, ['api_key' => ''], '', [activity(JANE, ADMIN, 'API key revoked')]);
  },

  'the same key again, or no key cleared again: nothing recorded' => function (): void {
    janeChange(KEY, ['api_key' => KEY], KEY, []);
    janeChange(NULL, ['api_key' => NULL], NULL, []);
    janeChange('', ['api_key' => ''], NULL, []);
  },

  'a change the write did not make (params say so, the column does not): nothing recorded' => function (): void {
    // A PHP null in a BAO's params leaves the column as it was: the column decides.
    janeChange(KEY, ['api_key' => NULL], KEY, []);
  },

  '33 characters sent, 29 + "..." saved: judged by what was saved' => function (): void {
    janeChange(NULL, ['api_key' => LONG_KEY], LONG_KEY_SAVED, [activity(JANE, ADMIN, 'API key generated')]);
    janeChange(KEY, ['api_key' => LONG_KEY], LONG_KEY_SAVED, [activity(JANE, ADMIN, 'API key replaced')]);
    // Sending the same long key again saves the same cut value: the key did not change.
    janeChange(LONG_KEY_SAVED, ['api_key' => LONG_KEY], LONG_KEY_SAVED, []);
  },

  'an edit without api_key: no query, nothing recorded' => function (): void {
    given(['administer CiviCRM'], ADMIN, [JANE => KEY]);
    freshAudit();
    editContact(JANE, ['first_name' => 'Janet', 'last_name' => 'Doe']);
    same([], World::$queries, 'queries');
    same([], World::$activities, 'activities');
  },

  'organizations and households are audited; other objects and operations are not even read' => function (): void {
    given(['administer CiviCRM'], ADMIN, [JANE => NULL, 7 => NULL, 8 => KEY]);
    freshAudit();
    editContact(7, ['api_key' => KEY], KEY, 'Organization');
    editContact(8, ['api_key' => NULL], NULL, 'Household');
    same([activity(7, ADMIN, 'API key generated'), activity(8, ADMIN, 'API key revoked')], World::$activities, 'activities');
    World::$queries = [];
    pre('edit', 'Activity', 12, ['api_key' => KEY]);
    post('edit', 'Activity', 12, (object) ['api_key' => KEY]);
    pre('delete', 'Individual', JANE, ['api_key' => KEY]);
    post('delete', 'Individual', JANE, NULL);
    same([], World::$queries, 'queries');
    same(2, count(World::$activities), 'activities');
  },

  'a new contact created with a key: "API key generated", in one query' => function (): void {
    given(['administer CiviCRM'], ADMIN, []);
    freshAudit();
    pre('create', 'Individual', NULL, ['contact_type' => 'Individual', 'first_name' => 'New', 'api_key' => KEY]);
    World::$apiKeys[9] = KEY;
    post('create', 'Individual', 9, (object) ['id' => 9, 'api_key' => KEY]);
    same([activity(9, ADMIN, 'API key generated')], World::$activities, 'activities');
    same([keyRead(9)], World::$queries, 'queries');
  },

  'a new contact created without a key: no query, nothing recorded' => function (): void {
    given(['administer CiviCRM'], ADMIN, []);
    freshAudit();
    pre('create', 'Individual', NULL, ['contact_type' => 'Individual', 'first_name' => 'New']);
    World::$apiKeys[9] = NULL;
    post('create', 'Individual', 9, (object) ['id' => 9, 'api_key' => NULL]);
    same([], World::$queries, 'queries');
    same([], World::$activities, 'activities');
  },

  'nobody logged in, on the command line (cv, scripts): the domain\'s organization is the source, and the details say so' => function (): void {
    given([], NULL, [JANE => NULL]);
    freshAudit();
    editContact(JANE, ['api_key' => KEY], KEY);
    same([activity(JANE, DOMAIN_CONTACT, 'API key generated', BY_COMMAND_LINE)], World::$activities, 'activities');
    expect(in_array([BY_COMMAND_LINE, ['domain' => 'apikeytab']], World::$translations, TRUE), 'the details are not translated');
  },

  'nobody logged in, in a scheduled job: the domain\'s organization is the source, and the details say a job made it' => function (): void {
    given([], NULL, [JANE => KEY, 7 => NULL]);
    World::$domainContactId = 11;
    freshAudit();
    scheduledJob(function (): void {
      editContact(JANE, ['api_key' => NULL], NULL);
    });
    // After the job, a change is the command line's again.
    editContact(7, ['api_key' => KEY], KEY);
    same([activity(JANE, 11, 'API key revoked', BY_SCHEDULED_JOB), activity(7, 11, 'API key generated', BY_COMMAND_LINE)], World::$activities, 'activities');
  },

  'a job run by a logged-in user ("Execute now"): the user is the source' => function (): void {
    given(['administer CiviCRM'], ADMIN, [JANE => KEY]);
    freshAudit();
    scheduledJob(function (): void {
      editContact(JANE, ['api_key' => NULL], NULL);
    });
    same([activity(JANE, ADMIN, 'API key revoked')], World::$activities, 'activities');
  },

  'recordAs(): a revoke made inside is recorded with the given subject; other changes and later revokes keep theirs' => function (): void {
    given([], NULL, [JANE => KEY, 7 => NULL, 8 => OTHER_KEY]);
    freshAudit();
    $result = KeyAudit::recordAs('API key expired', function (): string {
      editContact(JANE, ['api_key' => NULL], NULL);
      editContact(7, ['api_key' => KEY], KEY);
      return 'done';
    });
    same('done', $result, 'what recordAs returns');
    editContact(8, ['api_key' => NULL], NULL);
    same([
      activity(JANE, DOMAIN_CONTACT, 'API key expired', BY_COMMAND_LINE),
      activity(7, DOMAIN_CONTACT, 'API key generated', BY_COMMAND_LINE),
      activity(8, DOMAIN_CONTACT, 'API key revoked', BY_COMMAND_LINE),
    ], World::$activities, 'activities');
  },

  'recordAs(): the subject does not outlive a write that throws' => function (): void {
    given(['administer CiviCRM'], ADMIN, [JANE => KEY]);
    freshAudit();
    try {
      KeyAudit::recordAs('API key expired', function (): void {
        throw new RuntimeException('Expected one Contact but found 0');
      });
      expect(FALSE, 'recordAs swallowed the exception');
    }
    catch (RuntimeException $e) {
      same('Expected one Contact but found 0', $e->getMessage(), 'the exception');
    }
    editContact(JANE, ['api_key' => NULL], NULL);
    same([activity(JANE, ADMIN, 'API key revoked')], World::$activities, 'activities');
  },

  'a session holding the id as a string: the source is a number' => function (): void {
    given(['edit own api keys'], (string) JANE, [JANE => KEY]);
    freshAudit();
    editContact(JANE, ['api_key' => OTHER_KEY], OTHER_KEY);
    same([activity(JANE, JANE, 'API key replaced')], World::$activities, 'activities');
  },

  'no part of any key reaches any field of any activity' => function (): void {
    $keys = [KEY, OTHER_KEY, LONG_KEY, LONG_KEY_SAVED];
    given(['administer CiviCRM'], ADMIN, [JANE => NULL]);
    freshAudit();
    editContact(JANE, ['api_key' => KEY], KEY);
    editContact(JANE, ['api_key' => OTHER_KEY], OTHER_KEY);
    editContact(JANE, ['api_key' => LONG_KEY], LONG_KEY_SAVED);
    editContact(JANE, ['api_key' => NULL], NULL);
    same(4, count(World::$activities), 'activities');
    array_walk_recursive(World::$activities, function ($value) use ($keys): void {
      foreach ($keys as $key) {
        for ($start = 0; $start + 4 <= strlen($key); $start++) {
          $part = substr($key, $start, 4);
          expect(!is_string($value) || !str_contains($value, $part), "\"$part\" of a key is in an activity field: $value");
        }
      }
    });
  },

  'writing the activity audits nothing it causes' => function (): void {
    given(['administer CiviCRM'], ADMIN, [JANE => NULL, 7 => NULL]);
    freshAudit();
    // Another listener on the activity's own hooks changes a key while it is being written.
    World::$duringActivityCreate = function (): void {
      World::$duringActivityCreate = NULL;
      editContact(7, ['api_key' => OTHER_KEY], OTHER_KEY);
    };
    editContact(JANE, ['api_key' => KEY], KEY);
    same([activity(JANE, ADMIN, 'API key generated')], World::$activities, 'activities');
    same([keyRead(JANE), keyRead(JANE)], World::$queries, 'queries');
  },

  'a failed activity write is logged without the key, and the key change stands' => function (): void {
    given(['administer CiviCRM'], ADMIN, [JANE => KEY]);
    freshAudit();
    World::$activityCreateFailure = new RuntimeException("Illegal value for activity_type_id: 'apikeytab_key_changed'");
    editContact(JANE, ['api_key' => OTHER_KEY], OTHER_KEY);
    same(OTHER_KEY, World::$apiKeys[JANE], 'the saved key');
    same([], World::$activities, 'activities');
    same(1, count(World::$log), 'log entries');
    [$level, $message, $context] = World::$log[0];
    same('error', $level, 'log level');
    same(JANE, $context['contact'], 'contact named in the log');
    expect(str_contains($context['cause'], 'Illegal value for activity_type_id'), 'the cause is not in the log');
    expect(!str_contains(json_encode(World::$log), substr(OTHER_KEY, 0, 4)), 'a key reached the log');
    expect(!str_contains(json_encode(World::$log), substr(KEY, 0, 4)), 'a key reached the log');

    // The failure leaves nothing behind: the next change is recorded.
    World::$activityCreateFailure = NULL;
    editContact(JANE, ['api_key' => NULL], NULL);
    same([activity(JANE, ADMIN, 'API key revoked')], World::$activities, 'activities after the failure');
  },

  'a failed read before the write is logged, and the edit goes on unrecorded' => function (): void {
    given(['administer CiviCRM'], ADMIN, [JANE => KEY]);
    freshAudit();
    World::$contactGetFailure = new RuntimeException('MySQL server has gone away');
    pre('edit', 'Individual', JANE, ['api_key' => OTHER_KEY]);
    World::$contactGetFailure = NULL;
    World::$apiKeys[JANE] = OTHER_KEY;
    post('edit', 'Individual', JANE, (object) ['id' => JANE, 'api_key' => OTHER_KEY]);
    same([], World::$activities, 'activities');
    same(1, count(World::$log), 'log entries');
    same(JANE, World::$log[0][2]['contact'], 'contact named in the log');
  },

  'a write that failed after pre leaves nothing for the next edit to misreport' => function (): void {
    given(['administer CiviCRM'], ADMIN, [JANE => KEY]);
    freshAudit();
    // The save threw: pre ran, post never came, the column kept the old key.
    pre('edit', 'Individual', JANE, ['api_key' => OTHER_KEY]);
    editContact(JANE, ['first_name' => 'Janet']);
    same([], World::$activities, 'activities');
  },

  'a write that threw between pre and post: a later unrelated edit is not taken for a key change, even after the key changed elsewhere' => function (): void {
    given(['administer CiviCRM'], ADMIN, [JANE => KEY]);
    freshAudit();
    pre('edit', 'Individual', JANE, ['api_key' => OTHER_KEY]);
    // The save threw; then another request (recorded there) replaced the key.
    World::$apiKeys[JANE] = THIRD_KEY;
    editContact(JANE, ['first_name' => 'Janet']);
    same([], World::$activities, 'activities after the unrelated edit');
    // The next real change is recorded once, against what the column held.
    editContact(JANE, ['api_key' => NULL], NULL);
    same([activity(JANE, ADMIN, 'API key revoked')], World::$activities, 'activities after the next key change');
  },

  'a nested write of the same contact\'s key between pre and post: both recorded, the outer against what the nested one left' => function (): void {
    given(['administer CiviCRM'], ADMIN, [JANE => NULL]);
    freshAudit();
    pre('edit', 'Individual', JANE, ['api_key' => KEY]);
    // Another listener, between the outer pre and the outer write, sets a key of its own.
    editContact(JANE, ['api_key' => OTHER_KEY], OTHER_KEY);
    World::$apiKeys[JANE] = KEY;
    post('edit', 'Individual', JANE, (object) ['id' => JANE, 'api_key' => KEY]);
    same([activity(JANE, ADMIN, 'API key generated'), activity(JANE, ADMIN, 'API key replaced')], World::$activities, 'activities');
  },

  'a nested edit of other fields between pre and post: the outer key change is still recorded' => function (): void {
    given(['administer CiviCRM'], ADMIN, [JANE => KEY]);
    freshAudit();
    pre('edit', 'Individual', JANE, ['api_key' => NULL]);
    editContact(JANE, ['nick_name' => 'JJ']);
    World::$apiKeys[JANE] = NULL;
    post('edit', 'Individual', JANE, (object) ['id' => JANE, 'api_key' => 'null']);
    same([activity(JANE, ADMIN, 'API key revoked')], World::$activities, 'activities');
  },

  'managed/ActivityType.mgd.php declares the activity type as an OptionValue' => function (): void {
    given([], NULL, []);
    $records = require ROOT . '/managed/ActivityType.mgd.php';
    same(2, count($records), 'records (the key changes, then the tokens)');
    $record = $records[0];
    same(['name', 'entity', 'cleanup', 'update', 'params'], array_keys($record), 'keys of the record');
    same('OptionValue', $record['entity'], 'entity');
    expect(in_array($record['cleanup'], ['always', 'never', 'unused'], TRUE), 'cleanup is not one core knows');
    expect(in_array($record['update'], ['always', 'never', 'unmodified'], TRUE), 'update is not one core knows');
    same(['version', 'values', 'match'], array_keys($record['params']), 'keys of params');
    same(4, $record['params']['version'], 'API version');
    same(['option_group_id', 'name'], $record['params']['match'], 'match');
    $values = $record['params']['values'];
    same([], array_values(array_diff(array_keys($values), OPTION_VALUE_FIELDS)), 'values that are not OptionValue fields');
    same('activity_type', $values['option_group_id.name'], 'option group');
    same(KeyAudit::ACTIVITY_TYPE, $values['name'], 'name');
    same('API Key Changed', $values['label'], 'label');
    same('fa-key', $values['icon'], 'icon');
    same(1, $values['filter'], 'filter (kept out of "New Activity" menus)');
    same(TRUE, $values['is_reserved'], 'is_reserved');
    same(TRUE, $values['is_active'], 'is_active');
    same([['API Key Changed', ['domain' => 'apikeytab']], ['The API key of the contact was generated, replaced or revoked.', ['domain' => 'apikeytab']]], array_slice(World::$translations, 0, 2), 'translated strings');
  },
];

report($cases);
