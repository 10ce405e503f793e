<?php
// Temporary tokens (issue 14), server side: the tab's `token` binding (TokenFacts) and the audit of
// every AuthxCredential.create (TokenAudit), under php-cli with CiviCRM replaced by the stubs. The
// tab helpers come from tab-cases.php, loaded as a library.

use ApiKeyTabTests\CryptoRegistry;
use ApiKeyTabTests\World;
use Civi\API\Event\RespondEvent;
use Civi\ApiKeyTab\Token\TokenAudit;
use Civi\ApiKeyTab\Token\TokenFacts;
use Civi\Core\Service\AutoSubscriber;

const TAB_CASES_AS_LIBRARY = TRUE;
require __DIR__ . '/tab-cases.php';
require __DIR__ . '/expiry-stubs.php';

const TOKEN = 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE3NjQ1ODEwMDAsInN1YiI6ImNpZDozIiwic2NvcGUiOiJhdXRoeCJ9.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg';
const MAY_ISSUE = ['administer CiviCRM', 'edit all contacts', 'generate any authx credential'];

/**
 * Stand-in for authx's action (ext/authx/Civi/Api4/Action/AuthxCredential/Create.php): contactId,
 * ttl (default 300 seconds), result [{cred: "Bearer <JWT>"}].
 */
class AuthxCredentialCreate extends \Civi\Api4\Generic\AbstractAction {

  protected $contactId;

  protected $ttl = 300;

  public function _run(\Civi\Api4\Generic\Result $result) {
    $result[] = ['cred' => TOKEN];
  }

}

class ContactGetAction extends \Civi\Api4\Generic\AbstractAction {

  protected $contactId;

  public function _run(\Civi\Api4\Generic\Result $result) {
  }

}

function respond($request, $response = NULL): RespondEvent {
  $event = new RespondEvent(NULL, $request, $response ?? new \Civi\Api4\Generic\Result([['cred' => TOKEN]]), NULL);
  $method = TokenAudit::getSubscribedEvents()['civi.api.respond'];
  (new TokenAudit())->$method($event);
  return $event;
}

function tokenCall(int $contactId, ?int $ttl = NULL): AuthxCredentialCreate {
  $call = (new AuthxCredentialCreate('AuthxCredential', 'create'))->setContactId($contactId);
  return $ttl === NULL ? $call : $call->setTtl($ttl);
}

report([
  'token binding: null without "generate any authx credential", and the crypto registry is not asked' => function (): void {
    site(['administer CiviCRM', 'edit all contacts', 'edit api keys'], ADMIN, []);
    $registry = new CryptoRegistry(TRUE);
    World::$services['crypto.registry'] = $registry;
    same(NULL, TokenFacts::forViewer(), 'binding');
    same([], $registry->lookups, 'registry untouched');
  },

  'token binding: {signing: true} with a SIGN key, {signing: false} without one (CIVICRM_SIGN_KEYS missing)' => function (): void {
    site(MAY_ISSUE, ADMIN, []);
    $registry = new CryptoRegistry(TRUE);
    World::$services['crypto.registry'] = $registry;
    same(['signing' => TRUE], TokenFacts::forViewer(), 'with a key');
    same(['SIGN'], $registry->lookups, 'asked for the SIGN tag, as authx signs with it');
    World::$services['crypto.registry'] = new CryptoRegistry(FALSE);
    same(['signing' => FALSE], TokenFacts::forViewer(), 'without');
    same([], World::$log, 'a site without signing keys is no error');
  },

  'token binding: a registry that fails otherwise says {signing: false} and logs the cause' => function (): void {
    site(MAY_ISSUE, ADMIN, []);
    World::$services['crypto.registry'] = new CryptoRegistry(TRUE, new RuntimeException('Crypto key has unrecognized type'));
    same(['signing' => FALSE], TokenFacts::forViewer(), 'binding');
    same('error', World::$log[0][0] ?? NULL, 'logged as an error');
    expect(str_contains(World::$log[0][2]['cause'], 'unrecognized type'), 'with its cause');
  },

  'the tab entry carries the binding: null for a key administrator without the permission, {signing} for one with it' => function (): void {
    site(ADMIN_PERMISSIONS, ADMIN, [JANE => KEY]);
    World::$services['crypto.registry'] = new CryptoRegistry(TRUE);
    same(NULL, apiKeyTab(viewContact(JANE))['token'], 'without the permission');
    site(MAY_ISSUE, ADMIN, [JANE => KEY]);
    World::$services['crypto.registry'] = new CryptoRegistry(FALSE);
    $entry = apiKeyTab(viewContact(JANE));
    same(['signing' => FALSE], $entry['token'], 'with it, on a site without signing keys');
    same(['signing' => FALSE], json_decode(componentAttributes(render(['block' => $entry]))['token'], TRUE), 'through the template to the token attribute');
  },

  'token audit: subscribes to civi.api.respond as an AutoSubscriber' => function (): void {
    expect(is_subclass_of(TokenAudit::class, AutoSubscriber::class), 'an AutoSubscriber, found by scan-classes');
    same(['civi.api.respond' => 'onRespond'], TokenAudit::getSubscribedEvents(), 'events');
  },

  'token audit: AuthxCredential.create records "Temporary token issued (valid until <site date>)" on the contact, by the logged-in user, never the token' => function (): void {
    site(MAY_ISSUE, ADMIN, [JANE => KEY]);
    $event = respond(tokenCall(JANE, 3600));
    same([[
      'checkPermissions' => FALSE,
      'values' => [
        'activity_type_id:name' => 'apikeytab_token_issued',
        'subject' => 'Temporary token issued (valid until December 1st, 2026 9:30 AM)',
        'status_id:name' => 'Completed',
        'source_contact_id' => ADMIN,
        'target_contact_id' => [JANE],
        'activity_date_time' => 'now',
      ],
    ]], World::$activities, 'one activity, ending now + ttl in the site format');
    same([['cred' => TOKEN]], $event->getResponse()->getArrayCopy(), 'the response as it was');
    $recorded = json_encode([World::$activities, World::$log]);
    foreach (explode('.', substr(TOKEN, 7)) as $part) {
      expect(!str_contains($recorded, $part), 'no part of the token recorded');
    }
    World::$activities = [];
    respond(tokenCall(JANE));
    same('Temporary token issued (valid until December 1st, 2026 8:35 AM)', World::$activities[0]['values']['subject'], "authx's default ttl, 300 seconds");
  },

  'token audit: nobody logged in (cv): the token\'s contact is the source' => function (): void {
    site([], NULL, [JANE => KEY]);
    respond(tokenCall(JANE, 900));
    same([JANE, [JANE]], [World::$activities[0]['values']['source_contact_id'], World::$activities[0]['values']['target_contact_id']], 'source and target');
  },

  'token audit: other calls (APIv3 arrays, other entities and actions, no contact) record nothing' => function (): void {
    site(MAY_ISSUE, ADMIN, [JANE => KEY]);
    respond(['entity' => 'AuthxCredential', 'action' => 'create', 'version' => 3, 'params' => ['contactId' => JANE]], ['values' => []]);
    respond((new ContactGetAction('Contact', 'get'))->setContactId(JANE));
    respond((new AuthxCredentialCreate('AuthxCredential', 'validate'))->setContactId(JANE));
    respond(new AuthxCredentialCreate('AuthxCredential', 'create'));
    same([], World::$activities, 'no activity');
    respond(tokenCall(JANE)->setTtl(60), NULL);
    same(1, count(World::$activities), 'the same listener records the one token call');
  },

  'token audit: a failing activity write is logged without the token, and the response is untouched' => function (): void {
    site(MAY_ISSUE, ADMIN, [JANE => KEY]);
    World::$activityCreateFailure = new RuntimeException('Activity type apikeytab_token_issued not found');
    $event = respond(tokenCall(JANE, 3600));
    same([['cred' => TOKEN]], $event->getResponse()->getArrayCopy(), 'the token still reaches whoever asked');
    same(1, count(World::$log), 'one log entry');
    same(['error', JANE], [World::$log[0][0], World::$log[0][2]['contact']], 'an error naming the contact');
    expect(!str_contains(json_encode(World::$log), substr(TOKEN, 7, 20)), 'without the token');
  },

  'managed/ActivityType.mgd.php declares the activity type apikeytab_token_issued, reserved, out of the New Activity menus' => function (): void {
    $records = require ROOT . '/managed/ActivityType.mgd.php';
    $types = array_values(array_filter($records, fn (array $record): bool => $record['params']['values']['name'] === TokenAudit::ACTIVITY_TYPE));
    same(1, count($types), 'one record of the token type');
    [$type] = $types;
    same('OptionValue_activity_type_apikeytab_token_issued', $type['name'], 'managed name (as 1.1 installed it)');
    same(['OptionValue', 'unused', 4, ['option_group_id', 'name']], [$type['entity'], $type['cleanup'], $type['params']['version'], $type['params']['match']], 'managed OptionValue');
    $values = $type['params']['values'];
    same(['activity_type', TokenAudit::ACTIVITY_TYPE, 1, TRUE, TRUE], [$values['option_group_id.name'], $values['name'], $values['filter'], $values['is_reserved'], $values['is_active']], 'the type');
    expect($values['name'] !== 'apikeytab_key_changed', 'not the key-change type, whose newest activity is the tab\'s "Last changed"');
  },
]);
