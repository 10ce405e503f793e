<?php

/**
 * Administer > Users and Permissions > API Keys (route in xml/Menu/apikeytab.xml): the contacts
 * that have an API key, listed by the crmApiKeyOverview Angular module.
 *
 * The page hands nothing to the browser: the module fetches each page of contacts itself through
 * APIv4, whose field permissions decide again what it may read. A CRM_ page class rather than a
 * namespaced one, because CRM_Core_Invoke only recognises namespaced "\Page\" callbacks in recent
 * cores, and the extension supports 5.75.
 */
class CRM_ApiKeyTab_Page_KeyOverview extends CRM_Core_Page {

  private const MODULE = 'crmApiKeyOverview';

  public function run() {
    CRM_Utils_System::setTitle(ts('API Keys', ['domain' => 'apikeytab']));
    \Civi::service('angularjs.loader')->addModules([self::MODULE]);
    // Renders templates/CRM/ApiKeyTab/Page/KeyOverview.tpl, named after this class.
    return parent::run();
  }

}
