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
      'siteTime' => self::siteTime(),
      // The expiry settings form (civicrm/admin/setting/apikeytab) is for administrators only.
      'canAdminister' => \CRM_Core_Permission::check('administer CiviCRM'),
    ]);
    // Renders templates/CRM/ApiKeyTab/Page/KeyOverview.tpl, named after this class.
    return parent::run();
  }

  /**
   * The `site_time` the tab also receives (docs/design-1.1.md): dateformatDatetime,
   * dateformatTime, the locale and the site-local now (CiviCRM sets PHP's timezone to the site's).
   *
   * @return array{format: string, time_format: string, locale: string, now: string}
   */
  private static function siteTime(): array {
    $settings = \Civi::settings();
    // CRM_Utils_Time::date() is not in every 5.x; getTime() (the same, deprecated since) is.
    $now = method_exists(\CRM_Utils_Time::class, 'date')
      ? \CRM_Utils_Time::date('Y-m-d H:i:s')
      : \CRM_Utils_Time::getTime('Y-m-d H:i:s');
    return [
      'format' => (string) $settings->get('dateformatDatetime'),
      'time_format' => (string) $settings->get('dateformatTime'),
      'locale' => (string) \CRM_Core_I18n::getLocale(),
      'now' => (string) $now,
    ];
  }

}
