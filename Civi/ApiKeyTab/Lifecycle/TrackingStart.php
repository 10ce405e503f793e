<?php

namespace Civi\ApiKeyTab\Lifecycle;

/**
 * When the extension began recording key use on this site (install of 1.1, or the upgrade from
 * 1.0.0): before that date nothing was recorded, so a key without a record says "No use recorded
 * since <date>" rather than "Never used".
 */
class TrackingStart {

  public const SETTING = 'apikeytab_usage_since';

  /**
   * Keeps the first date: installing again after a disable, or running the upgrade twice, does
   * not move it.
   */
  public static function record(string $now): void {
    if (!self::get()) {
      \Civi::settings()->set(self::SETTING, $now);
    }
  }

  public static function get(): ?string {
    $value = \Civi::settings()->get(self::SETTING);
    return is_string($value) && $value !== '' ? $value : NULL;
  }

  public static function now(): string {
    return date('Y-m-d H:i:s', \CRM_Utils_Time::getTimeRaw());
  }

}
