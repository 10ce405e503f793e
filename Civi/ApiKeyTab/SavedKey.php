<?php

namespace Civi\ApiKeyTab;

use Civi\Api4\Contact;

/**
 * The API key a contact has now, as civicrm_contact.api_key holds it: what the audit trail, the key
 * record's sync, ApiKeyRecord.setExpiry and the expiry job compare with.
 */
final class SavedKey {

  /**
   * The column, not what a caller sent: core cuts long values and stores '' as NULL. Without
   * permission checks, because the writer may be a self-service user, from whom APIv4 hides api_key
   * even on their own contact. By id, so a trashed contact is found too: its key still
   * authenticates (wire 35).
   *
   * @return ?string NULL when the contact has no key
   */
  public static function of(int $contactId): ?string {
    $key = Contact::get(FALSE)
      ->addSelect('api_key')
      ->addWhere('id', '=', $contactId)
      ->execute()
      ->first()['api_key'] ?? NULL;
    return $key === '' ? NULL : $key;
  }

}
