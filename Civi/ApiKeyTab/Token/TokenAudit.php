<?php

namespace Civi\ApiKeyTab\Token;

use Civi\Api4\Activity;
use Civi\Core\Service\AutoSubscriber;

/**
 * Records "Temporary token issued (valid until <date>)" on a contact each time an APIv4
 * AuthxCredential.create for that contact succeeds, by anyone, from the tab or not.
 *
 * authx's Create action fires no event of its own (ext/authx/Civi/Api4/Action/AuthxCredential/
 * Create.php): the API kernel's civi.api.respond, which follows every successful call, is where the
 * call and its result can both be seen. The token itself is never read: its end is computed from
 * the call's ttl, as Create computes the JWT's exp (time() + ttl).
 *
 * Activity type ACTIVITY_TYPE (managed/ActivityType.mgd.php), not the audit trail's
 * apikeytab_key_changed: a token leaves the key as it was, and the tab's "Last changed" is the
 * newest activity of that type.
 */
class TokenAudit extends AutoSubscriber {

  public const ACTIVITY_TYPE = 'apikeytab_token_issued';

  public static function getSubscribedEvents(): array {
    return [
      'civi.api.respond' => 'onRespond',
    ];
  }

  /**
   * @param \Civi\API\Event\RespondEvent $event
   */
  public function onRespond($event): void {
    $request = $event->getApiRequest();
    // APIv4 requests are action objects; APIv3 ones are arrays (authx has no APIv3 credential call).
    if (!($request instanceof \Civi\Api4\Generic\AbstractAction)
      || strtolower($request->getEntityName()) !== 'authxcredential'
      || strtolower($request->getActionName()) !== 'create') {
      return;
    }
    $contactId = (int) $request->getContactId();
    if ($contactId <= 0) {
      return;
    }
    try {
      $validUntil = date('Y-m-d H:i:s', \CRM_Utils_Time::getTimeRaw() + (int) $request->getTtl());
      $sourceId = (int) (\CRM_Core_Session::getLoggedInContactID() ?: $contactId);
      Activity::create(FALSE)
        ->addValue('activity_type_id:name', self::ACTIVITY_TYPE)
        ->addValue('subject', ts('Temporary token issued (valid until %1)', [1 => \CRM_Utils_Date::customFormat($validUntil), 'domain' => 'apikeytab']))
        ->addValue('status_id:name', 'Completed')
        ->addValue('source_contact_id', $sourceId)
        ->addValue('target_contact_id', [$contactId])
        ->addValue('activity_date_time', 'now')
        ->execute();
    }
    catch (\Throwable $e) {
      // The token exists and works whatever happens here: failing the call would only hide it from
      // whoever asked, and it cannot be revoked. The gap in the trail is logged instead.
      \Civi::log()->error('apikeytab: the temporary token issued for contact {contact} was not recorded: {cause}', [
        'contact' => $contactId,
        'cause' => get_class($e) . ': ' . $e->getMessage(),
      ]);
    }
  }

}
