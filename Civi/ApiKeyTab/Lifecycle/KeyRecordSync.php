<?php

namespace Civi\ApiKeyTab\Lifecycle;

use Civi\ApiKeyTab\SavedKey;
use Civi\Core\Event\PostEvent;
use Civi\Core\Event\PreEvent;
use Civi\Core\Service\AutoSubscriber;

/**
 * Keeps each contact's key record in step with the key changes the audit trail sees (a write of
 * api_key through core's Contact BAO): a new key starts its row afresh ("Never used", set now by
 * the logged-in contact, no expiry of the old key), a revoked key loses its row.
 *
 * A change that bypasses the BAO is caught later by CredentialWatch, whose query matches only the
 * key stored now.
 */
class KeyRecordSync extends AutoSubscriber {

  private const CONTACT_TYPES = ['Individual', 'Organization', 'Household'];

  /**
   * Contacts whose edit in progress carries api_key, from pre to post.
   *
   * @var array<int, true>
   */
  private static array $pending = [];

  public static function getSubscribedEvents(): array {
    return [
      'hook_civicrm_pre' => ['onPre', -200],
      'hook_civicrm_post' => 'onPost',
    ];
  }

  public function onPre(PreEvent $event): void {
    if ($event->action === 'edit' && in_array($event->entity, self::CONTACT_TYPES, TRUE)
      && is_array($event->params) && array_key_exists('api_key', $event->params)) {
      self::$pending[(int) $event->id] = TRUE;
    }
  }

  public function onPost(PostEvent $event): void {
    if (!in_array($event->entity, self::CONTACT_TYPES, TRUE)) {
      return;
    }
    $contactId = (int) $event->id;
    if ($event->action === 'edit' && isset(self::$pending[$contactId])) {
      unset(self::$pending[$contactId]);
    }
    // A create's DAO holds api_key only when its params did (KeyAudit relies on the same).
    elseif (!($event->action === 'create' && isset($event->object->api_key))) {
      return;
    }

    $key = NULL;
    try {
      // What the column holds now, not the params: core cuts long values and stores '' as NULL.
      $key = SavedKey::of($contactId);
      if ($key === NULL) {
        KeyRecords::remove($contactId);
        return;
      }
      $row = KeyRecords::forContact($contactId);
      if ($row !== NULL && hash_equals($row['key_fingerprint'], KeyRecords::fingerprint($key))) {
        // The same key saved again: its history stands.
        return;
      }
      $setBy = \CRM_Core_Session::getLoggedInContactID();
      KeyRecords::restart($contactId, $key, [
        'set_date' => TrackingStart::now(),
        'set_by' => $setBy ? (int) $setBy : NULL,
        // The site's maximum, if it has one: ApiKeyRecord.setExpiry (the tab's next call) replaces it.
        'expires_date' => Policy::current()->expiryForKeySetElsewhere(\CRM_Utils_Time::getTimeRaw()),
      ]);
    }
    catch (\Throwable $e) {
      // The key change stands (post runs after the write); the next use of the key starts the row.
      \Civi::log()->error('apikeytab: the key record of contact {contact} could not be updated: {cause}', [
        'contact' => $contactId,
        'cause' => Redact::cause($e, $key),
      ]);
    }
  }

}
