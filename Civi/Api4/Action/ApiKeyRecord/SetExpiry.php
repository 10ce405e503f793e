<?php

namespace Civi\Api4\Action\ApiKeyRecord;

use Civi\Api4\ApiKeyRecord;
use Civi\Api4\Generic\AbstractAction;
use Civi\Api4\Generic\Result;
use Civi\ApiKeyTab\Lifecycle\KeyRecords;
use Civi\ApiKeyTab\Lifecycle\Policy;
use Civi\ApiKeyTab\SavedKey;

/**
 * Sets when one contact's API key ends, or that it never does, within the site's maximum.
 *
 * Open to whoever may change that contact's key, as core's Contact BAO and APIv4 decide it for the
 * key itself: `administer CiviCRM` or `edit api keys` for any contact, `edit own api keys` for
 * one's own, and in both cases edit access to the contact (wire 38). The tab calls it right after
 * its one Contact.update.
 *
 * @method $this setContactId(int $contactId)
 * @method int getContactId()
 * @method $this setExpiresIn(int $days)
 * @method int|null getExpiresIn()
 * @method $this setExpiresOn(string $date)
 * @method string|null getExpiresOn()
 */
class SetExpiry extends AbstractAction {

  /**
   * The contact whose key this is.
   *
   * @var int
   * @required
   */
  protected $contactId;

  /**
   * The key ends this many days from now.
   *
   * @var int
   */
  protected $expiresIn;

  /**
   * The key ends at the end of this day, site time (YYYY-MM-DD). Neither this nor expiresIn: never.
   *
   * @var string
   */
  protected $expiresOn;

  public function _run(Result $result) {
    $contactId = (int) $this->contactId;
    if ($contactId <= 0) {
      throw new \CRM_Core_Exception(ts('Say whose key this is: contactId is missing.', ['domain' => 'apikeytab']));
    }
    if ($this->getCheckPermissions() && !self::mayChangeKeyOf($contactId)) {
      throw new \Civi\API\Exception\UnauthorizedException(ts('You may not change the API key of this contact.', ['domain' => 'apikeytab']));
    }
    // A self-service user may change their key but never read it: SavedKey reads without permission checks.
    $key = SavedKey::of($contactId);
    if ($key === NULL) {
      throw new \CRM_Core_Exception(ts('This contact has no API key, so there is nothing to expire.', ['domain' => 'apikeytab']));
    }
    $expires = Policy::current()->chosenExpiry($this->expiresIn, $this->expiresOn, \CRM_Utils_Time::getTimeRaw());

    $row = KeyRecords::forContact($contactId);
    if ($row === NULL || !hash_equals((string) $row['key_fingerprint'], KeyRecords::fingerprint($key))) {
      // A key from before the extension, or set where no hook saw it: the row starts now for the key
      // the contact has, knowing nothing of when or by whom it was set.
      KeyRecords::restart($contactId, $key, ['expires_date' => $expires]);
    }
    else {
      // A new end deserves its own reminder.
      ApiKeyRecord::update(FALSE)
        ->addWhere('id', '=', $row['id'])
        ->addValue('expires_date', $expires)
        ->addValue('reminder_sent_date', NULL)
        ->execute();
    }
    $result[] = ['contact_id' => $contactId, 'expires_date' => $expires];
  }

  /**
   * The rules of the tab's can_edit (Civi\ApiKeyTab\Tab\ContactTab): the key permissions, and edit
   * access to the contact, which an APIv4 Contact.update of the key needs as well.
   */
  private static function mayChangeKeyOf(int $contactId): bool {
    $self = \CRM_Core_Session::getLoggedInContactID();
    $keyRules = \CRM_Core_Permission::check('administer CiviCRM')
      || \CRM_Core_Permission::check('edit api keys')
      || ($self !== NULL && (int) $self === $contactId && \CRM_Core_Permission::check('edit own api keys'));
    return $keyRules && \CRM_Contact_BAO_Contact_Permission::allow($contactId, \CRM_Core_Permission::EDIT);
  }

}
