<?php

namespace Civi\ApiKeyTab\Audit;

use Civi\Api4\Activity;
use Civi\Api4\Contact;
use Civi\Core\Event\PostEvent;
use Civi\Core\Event\PreEvent;
use Civi\Core\Service\AutoSubscriber;

/**
 * Records an "API Key Changed" activity on a contact whenever a write through core's Contact BAO
 * (any API call, any CiviCRM form) sets, replaces or clears its api_key. Writes that bypass the
 * BAO (direct SQL, CRM_Core_DAO::setFieldValue) fire no hook and cannot be seen from here.
 *
 * No part of any key ever goes into the activity: its subject is one of three fixed sentences.
 */
class KeyAudit extends AutoSubscriber {

  public const ACTIVITY_TYPE = 'apikeytab_key_changed';

  /**
   * The Contact BAO fires pre and post with the contact type as the object name, never "Contact".
   */
  private const CONTACT_TYPES = ['Individual', 'Organization', 'Household'];

  /**
   * The key each contact had before an edit that carries api_key, until that edit's post.
   *
   * Static: core builds the subscriber as a service and should reuse it between pre and post, but
   * an audit trail must not depend on it.
   *
   * @var array<int, ?string>
   */
  private static array $keyBefore = [];

  /**
   * Set while the activity is written, so that nothing this subscriber causes is audited again.
   */
  private static bool $recording = FALSE;

  public static function getSubscribedEvents(): array {
    return [
      // Last, so that an api_key another listener adds to (or removes from) the params counts.
      'hook_civicrm_pre' => ['onPre', -100],
      'hook_civicrm_post' => 'onPost',
    ];
  }

  public function onPre(PreEvent $event): void {
    // Most contact edits do not touch the key: those must cost nothing, not even a query.
    if (self::$recording || $event->action !== 'edit' || !in_array($event->entity, self::CONTACT_TYPES, TRUE)
      || !is_array($event->params) || !array_key_exists('api_key', $event->params)) {
      return;
    }
    $contactId = (int) $event->id;
    try {
      self::$keyBefore[$contactId] = self::savedKey($contactId);
    }
    catch (\Throwable $e) {
      unset(self::$keyBefore[$contactId]);
      self::reportFailure($contactId, $e);
    }
  }

  public function onPost(PostEvent $event): void {
    if (self::$recording || !in_array($event->entity, self::CONTACT_TYPES, TRUE)) {
      return;
    }
    $contactId = (int) $event->id;
    if ($event->action === 'edit' && array_key_exists($contactId, self::$keyBefore)) {
      $before = self::$keyBefore[$contactId];
      unset(self::$keyBefore[$contactId]);
    }
    // A new contact had no key. Its DAO holds api_key only when the create's params did, so a
    // create without a key costs no query either.
    elseif ($event->action === 'create' && isset($event->object->api_key)) {
      $before = NULL;
    }
    else {
      return;
    }

    try {
      // Read back rather than trust the params or the DAO: core cuts values over 32 characters
      // to 29 plus "...", stores '' as NULL, and keeps the string 'null' in the DAO for NULL.
      // What the column holds now is what authenticates, so that is what gets compared.
      $subject = self::subject($before, self::savedKey($contactId));
      if ($subject !== NULL) {
        self::record($contactId, $subject);
      }
    }
    catch (\Throwable $e) {
      self::reportFailure($contactId, $e);
    }
  }

  private static function savedKey(int $contactId): ?string {
    // Without permission checks: the writer may be a self-service user, from whom APIv4 hides
    // api_key even on their own contact.
    $key = Contact::get(FALSE)
      ->addSelect('api_key')
      ->addWhere('id', '=', $contactId)
      ->execute()
      ->first()['api_key'] ?? NULL;
    return $key === '' ? NULL : $key;
  }

  private static function subject(?string $before, ?string $after): ?string {
    if ($before === $after) {
      return NULL;
    }
    if ($before === NULL) {
      return ts('API key generated', ['domain' => 'apikeytab']);
    }
    if ($after === NULL) {
      return ts('API key revoked', ['domain' => 'apikeytab']);
    }
    return ts('API key replaced', ['domain' => 'apikeytab']);
  }

  private static function record(int $contactId, string $subject): void {
    // cv, cron and other unattended writers have nobody logged in; an activity needs a source,
    // and the changed contact itself is the only one known to be involved.
    $sourceId = (int) (\CRM_Core_Session::getLoggedInContactID() ?: $contactId);
    self::$recording = TRUE;
    try {
      Activity::create(FALSE)
        ->addValue('activity_type_id:name', self::ACTIVITY_TYPE)
        ->addValue('subject', $subject)
        ->addValue('status_id:name', 'Completed')
        ->addValue('source_contact_id', $sourceId)
        ->addValue('target_contact_id', [$contactId])
        ->addValue('activity_date_time', 'now')
        ->execute();
    }
    finally {
      self::$recording = FALSE;
    }
  }

  /**
   * A failed audit is logged as an error and the key change stands.
   *
   * Throwing would not undo it: post runs after the contact's own transaction has committed (unless
   * a caller wraps a larger one), so the caller would be told "failed" about a key that did change,
   * and a missing activity type would make every key change report failure. Skipping silently
   * would hide a gap in the trail. The log entry names the contact and the cause, never a key.
   */
  private static function reportFailure(int $contactId, \Throwable $e): void {
    \Civi::log()->error('apikeytab: the API key change of contact {contact} was not recorded: {cause}', [
      'contact' => $contactId,
      'cause' => get_class($e) . ': ' . $e->getMessage(),
    ]);
  }

}
