<?php

namespace Civi\ApiKeyTab\Audit;

use Civi\Api4\Activity;
use Civi\ApiKeyTab\Lifecycle\Redact;
use Civi\ApiKeyTab\SavedKey;
use Civi\Core\Event\GenericHookEvent;
use Civi\Core\Event\PostEvent;
use Civi\Core\Event\PreEvent;
use Civi\Core\Service\AutoSubscriber;

/**
 * Records an "API Key Changed" activity on a contact whenever a write through core's Contact BAO
 * (any API call, any CiviCRM form) sets, replaces or clears its api_key. Writes that bypass the
 * BAO (direct SQL, CRM_Core_DAO::setFieldValue) fire no hook and cannot be seen from here.
 *
 * No part of any key ever goes into the activity: its subject is one of three fixed sentences (or
 * the one a caller of recordAs() gives).
 */
class KeyAudit extends AutoSubscriber {

  public const ACTIVITY_TYPE = 'apikeytab_key_changed';

  /**
   * The Contact BAO fires pre and post with the contact type as the object name, never "Contact".
   */
  private const CONTACT_TYPES = ['Individual', 'Organization', 'Household'];

  /**
   * Stands for a key that could not be read in pre: that edit's post records nothing.
   */
  private const UNKNOWN = ['unknown'];

  /**
   * Per contact, one entry per edit that carries api_key and whose post has not come yet: the key
   * before it (or UNKNOWN), innermost edit last. A stack, because a listener may write the same
   * contact's key again between an edit's pre and post; the BAO's posts then come innermost first.
   *
   * Static: core builds the subscriber as a service and should reuse it between pre and post, but
   * an audit trail must not depend on it.
   *
   * @var array<int, list<?string|string[]>>
   */
  private static array $keyBefore = [];

  /**
   * Subjects given by recordAs(), innermost last.
   *
   * @var string[]
   */
  private static array $revokeSubjects = [];

  /**
   * How many scheduled jobs are running in this process right now (core's job manager fires
   * hook_civicrm_preJob and hook_civicrm_postJob around each).
   */
  private static int $jobs = 0;

  /**
   * Set while the activity is written, so that nothing this subscriber causes is audited again.
   */
  private static bool $recording = FALSE;

  public static function getSubscribedEvents(): array {
    return [
      // Last, so that an api_key another listener adds to (or removes from) the params counts.
      // Old-style hook_civicrm_pre functions of other extensions run inside one listener that
      // core adds at -100 (CiviEventDispatcher::DEFAULT_HOOK_PRIORITY) on the hook's first
      // dispatch, so after every subscriber already at -100: only a lower number runs after them.
      'hook_civicrm_pre' => ['onPre', -200],
      'hook_civicrm_post' => 'onPost',
      'hook_civicrm_preJob' => 'onPreJob',
      'hook_civicrm_postJob' => 'onPostJob',
    ];
  }

  /**
   * Runs $write and records a revoke of a key it makes with $subject (already translated)
   * instead of "API key revoked"; other changes keep their own subjects. For writers that know
   * better why a key goes, such as the expiry job: recordAs(ts('API key expired'), fn() => ...).
   *
   * @return mixed what $write returns
   */
  public static function recordAs(string $subject, callable $write) {
    self::$revokeSubjects[] = $subject;
    try {
      return $write();
    }
    finally {
      array_pop(self::$revokeSubjects);
    }
  }

  public function onPreJob(GenericHookEvent $event): void {
    self::$jobs++;
  }

  public function onPostJob(GenericHookEvent $event): void {
    self::$jobs = max(0, self::$jobs - 1);
  }

  public function onPre(PreEvent $event): void {
    // Most contact edits do not touch the key: those must cost nothing, not even a query.
    if (self::$recording || $event->action !== 'edit' || !in_array($event->entity, self::CONTACT_TYPES, TRUE)
      || !is_array($event->params) || !array_key_exists('api_key', $event->params)) {
      return;
    }
    $contactId = (int) $event->id;
    try {
      self::$keyBefore[$contactId][] = SavedKey::of($contactId);
    }
    catch (\Throwable $e) {
      self::$keyBefore[$contactId][] = self::UNKNOWN;
      $sent = $event->params['api_key'];
      self::reportFailure($contactId, $e, is_string($sent) ? $sent : NULL);
    }
  }

  public function onPost(PostEvent $event): void {
    if (self::$recording || !in_array($event->entity, self::CONTACT_TYPES, TRUE)) {
      return;
    }
    $contactId = (int) $event->id;
    // The BAO's DAO holds api_key only when the write's params did ('null' for NULL). So an edit
    // without it is not the post of any pending pre: an entry a write left when it threw between
    // its pre and post is never taken for a later, unrelated edit, and an outer edit's entry
    // survives a nested edit of other fields.
    if (!is_object($event->object) || !isset($event->object->api_key)) {
      return;
    }
    if ($event->action === 'edit' && !empty(self::$keyBefore[$contactId])) {
      $before = array_pop(self::$keyBefore[$contactId]);
      if (self::$keyBefore[$contactId] === []) {
        unset(self::$keyBefore[$contactId]);
      }
      if ($before === self::UNKNOWN) {
        return;
      }
    }
    // A new contact had no key. Its DAO holds api_key only when the create's params did, so a
    // create without a key costs no query either.
    elseif ($event->action === 'create') {
      $before = NULL;
    }
    else {
      return;
    }

    $after = NULL;
    try {
      // Read back rather than trust the params or the DAO: core cuts values over 32 characters
      // to 29 plus "...", stores '' as NULL, and keeps the string 'null' in the DAO for NULL.
      // What the column holds now is what authenticates, so that is what gets compared.
      $after = SavedKey::of($contactId);
      // The edits still pending on this contact started before this one wrote: what they change
      // is what this one left.
      foreach (self::$keyBefore[$contactId] ?? [] as $index => $pending) {
        if ($pending !== self::UNKNOWN) {
          self::$keyBefore[$contactId][$index] = $after;
        }
      }
      $subject = self::subject($before, $after);
      if ($subject !== NULL) {
        self::record($contactId, $subject);
      }
    }
    catch (\Throwable $e) {
      self::reportFailure($contactId, $e, $before, $after);
    }
  }

  private static function subject(?string $before, ?string $after): ?string {
    if ($before === $after) {
      return NULL;
    }
    if ($before === NULL) {
      return ts('API key generated', ['domain' => 'apikeytab']);
    }
    if ($after === NULL) {
      return self::$revokeSubjects ? end(self::$revokeSubjects) : ts('API key revoked', ['domain' => 'apikeytab']);
    }
    return ts('API key replaced', ['domain' => 'apikeytab']);
  }

  private static function record(int $contactId, string $subject): void {
    self::$recording = TRUE;
    try {
      $activity = Activity::create(FALSE)
        ->addValue('activity_type_id:name', self::ACTIVITY_TYPE)
        ->addValue('subject', $subject)
        ->addValue('status_id:name', 'Completed');
      $userId = \CRM_Core_Session::getLoggedInContactID();
      if ($userId) {
        $activity->addValue('source_contact_id', (int) $userId);
      }
      else {
        // Nobody logged in: a scheduled job (cron, or cv running the job manager) or a command
        // line script. The key holder did not make the change, so the source is the site's own
        // organization, and the details say what did.
        $activity
          ->addValue('source_contact_id', (int) \CRM_Core_BAO_Domain::getDomain()->contact_id)
          ->addValue('details', self::unattendedWriter());
      }
      $activity
        ->addValue('target_contact_id', [$contactId])
        ->addValue('activity_date_time', 'now')
        ->execute();
    }
    finally {
      self::$recording = FALSE;
    }
  }

  private static function unattendedWriter(): string {
    if (self::$jobs > 0) {
      return ts('Made by a scheduled job: nobody was logged in.', ['domain' => 'apikeytab']);
    }
    if (PHP_SAPI === 'cli' || PHP_SAPI === 'phpdbg') {
      return ts('Made from the command line: nobody was logged in.', ['domain' => 'apikeytab']);
    }
    return ts('Made while nobody was logged in.', ['domain' => 'apikeytab']);
  }

  /**
   * A failed audit is logged as an error and the key change stands.
   *
   * Throwing would not undo it: post runs after the contact's own transaction has committed (unless
   * a caller wraps a larger one), so the caller would be told "failed" about a key that did change,
   * and a missing activity type would make every key change report failure. Skipping silently
   * would hide a gap in the trail. The log entry names the contact and the cause, never a key: a
   * database error may quote the keys of the change (Redact).
   */
  private static function reportFailure(int $contactId, \Throwable $e, ?string ...$keys): void {
    \Civi::log()->error('apikeytab: the API key change of contact {contact} was not recorded: {cause}', [
      'contact' => $contactId,
      'cause' => Redact::cause($e, ...$keys),
    ]);
  }

}
