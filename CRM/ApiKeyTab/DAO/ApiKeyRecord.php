<?php

/**
 * The DAO of entity ApiKeyRecord (table civicrm_apikeytab_key).
 *
 * Everything it knows comes from schema/ApiKeyRecord.entityType.php: on CiviCRM 5.74 and later,
 * CRM_Core_DAO_Base reads fields, indices and the table's info from the entity repository, which
 * mixin entity-types-php@2.0.0 feeds. No generated code.
 */
class CRM_ApiKeyTab_DAO_ApiKeyRecord extends CRM_Core_DAO_Base {
}
