<?php

namespace Civi\Api4;

use Civi\Api4\Action\ApiKeyRecord\Expire;
use Civi\Api4\Action\ApiKeyRecord\SetExpiry;

/**
 * The extension's record of each API key: when it was set and by whom, when it was last used and
 * from where, when it expires. Never the key itself (only its SHA-256).
 *
 * @searchable secondary
 * @package Civi\Api4
 */
class ApiKeyRecord extends Generic\DAOEntity {

  /**
   * Sets or removes the expiry of one contact's key, for whoever may change that key.
   *
   * @param bool $checkPermissions
   * @return \Civi\Api4\Action\ApiKeyRecord\SetExpiry
   */
  public static function setExpiry($checkPermissions = TRUE) {
    return (new SetExpiry(static::getEntityName(), __FUNCTION__))
      ->setCheckPermissions($checkPermissions);
  }

  /**
   * The daily job: revokes the keys whose end has passed and sends the reminders.
   *
   * @param bool $checkPermissions
   * @return \Civi\Api4\Action\ApiKeyRecord\Expire
   */
  public static function expire($checkPermissions = TRUE) {
    return (new Expire(static::getEntityName(), __FUNCTION__))
      ->setCheckPermissions($checkPermissions);
  }

  /**
   * An inner array is a choice (any one of them), as for CRM_Core_Permission::check().
   *
   * Reading (get, and the overview's join) is for whoever may read keys. Writing a row directly
   * (create, update, save, delete, replace: core maps save to create and replace to delete, then
   * falls back to default, in Generic\AbstractAction::getPermissions()) is for administrators only:
   * a raw update would let a key reader lift an expiry past the site's maximum or forge a last use.
   * Expiry is changed through setExpiry, which applies the policy and is open to `edit own api keys`
   * too: the action itself checks that the contact is one whose key the caller may change.
   */
  public static function permissions() {
    return [
      'meta' => ['access CiviCRM'],
      'default' => ['administer CiviCRM'],
      'get' => [['administer CiviCRM', 'edit api keys']],
      'setExpiry' => [['administer CiviCRM', 'edit api keys', 'edit own api keys']],
      'expire' => [['administer CiviCRM', 'edit api keys']],
    ];
  }

}
