<?php

/**
 * Administer > Users and Permissions > API Keys (route in xml/Menu/apikeytab.xml): the contacts
 * that have an API key, listed by the crmApiKeyOverview Angular module.
 *
 * The page hands nothing about any contact to the browser: the module fetches each page of
 * contacts itself through APIv4, whose field permissions decide again what it may read. It hands
 * only the site's date formats and clock (CRM.vars.apikeytab.siteTime), so that dates read as
 * CiviCRM writes them elsewhere, and whether the viewer may open the expiry settings
 * (CRM.vars.apikeytab.canAdminister). A CRM_ page class rather than a
 * namespaced one, because CRM_Core_Invoke only recognises namespaced "\Page\" callbacks in recent
 * cores, and the extension supports 5.75.
 */
class CRM_ApiKeyTab_Page_KeyOverview extends CRM_Core_Page {

  private const MODULE = 'crmApiKeyOverview';

  public function run() {
    CRM_Utils_System::setTitle(ts('API Keys', ['domain' => 'apikeytab']));
    \Civi::service('angularjs.loader')->addModules([self::MODULE]);
    \Civi::resources()->addVars('apikeytab', [
      'siteTime' => \Civi\ApiKeyTab\SiteTime::binding(),
      // Who may open the expiry settings form: mixin setting-admin@1.0.0 routes
      // civicrm/admin/setting/apikeytab for "administer CiviCRM" OR the permission it declares,
      // "administer apikeytab" (mixin/setting-admin@1/mixin.php, getRoute()).
      'canAdminister' => \CRM_Core_Permission::check('administer CiviCRM') || \CRM_Core_Permission::check('administer apikeytab'),
      // Revoking is a Contact.update, refused without edit access to the contact (wire 38); the
      // page's one query cannot tell that per row, so Revoke shows only to who may edit them all.
      'canEditAll' => \CRM_Core_Permission::check('edit all contacts'),
    ]);
    // Renders templates/CRM/ApiKeyTab/Page/KeyOverview.tpl, named after this class.
    return parent::run();
  }

}
