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

  /**
   * The date for a reader (the tab's usage_since). If none was saved, because the install or the
   * upgrade from 1.0.0 could not write the setting (its metadata not yet rebuilt then), it is saved
   * now: recording began no later than this, so "No use recorded since" it stays true, where
   * nothing would make a key from 1.0.0 read "Never used". If even that fails, NULL (tried again
   * on the next read) and a warning.
   */
  public static function since(): ?string {
    $since = self::get();
    if ($since !== NULL) {
      return $since;
    }
    try {
      self::record(self::now());
      return self::get();
    }
    catch (\Throwable $e) {
      \Civi::log()->warning('apikeytab: the date key use recording began could not be saved: {cause}', ['cause' => get_class($e) . ': ' . $e->getMessage()]);
      return NULL;
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
