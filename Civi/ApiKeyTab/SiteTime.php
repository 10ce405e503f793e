<?php

namespace Civi\ApiKeyTab;

/**
 * The site's date and time formats, locale and clock, as the tab (`site_time` binding) and the key
 * overview (CRM.vars.apikeytab.siteTime) both hand them to the browser (docs/design-1.1.md), so
 * that dates read the way CiviCRM writes them elsewhere on the same page.
 */
final class SiteTime {

  /**
   * "now" is site-local, like activity dates and the key table's: CiviCRM sets PHP's timezone to
   * the site's at boot, and CRM_Utils_Time honours a clock frozen for tests.
   *
   * @return array{format: string, time_format: string, locale: string, now: string}
   */
  public static function binding(): array {
    $settings = \Civi::settings();
    return [
      'format' => (string) $settings->get('dateformatDatetime'),
      'time_format' => (string) $settings->get('dateformatTime'),
      'locale' => (string) \CRM_Core_I18n::getLocale(),
      'now' => date('Y-m-d H:i:s', \CRM_Utils_Time::getTimeRaw()),
    ];
  }

}
