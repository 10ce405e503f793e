<?php

namespace Civi\ApiKeyTab\Lifecycle;

/**
 * The site's rules for how long a key lives: its default lifetime, its maximum and the days of notice
 * before the end, and what an expiry chosen on the tab means under them.
 *
 * Dates are site-local "YYYY-MM-DD HH:MM:SS", as CiviCRM stores datetimes: PHP's default time zone
 * is the site's once CiviCRM has booted.
 */
final class Policy {

  public const DEFAULT_LIFETIME = 'apikeytab_default_lifetime';

  public const MAX_LIFETIME = 'apikeytab_max_lifetime';

  public const REMINDER_DAYS = 'apikeytab_reminder_days';

  public const DEFAULT_REMINDER_DAYS = 7;

  /**
   * A hundred years: the longest number of days any of the settings accepts.
   */
  public const LONGEST = 36500;

  private function __construct(private ?int $defaultDays, private ?int $maxDays, private int $noticeDays) {
  }

  /**
   * The policy the site's settings describe now.
   *
   * The settings form refuses inconsistent values, but Setting.create through the API checks each
   * value alone: a default longer than the maximum (or "never" under one) is read as the maximum.
   */
  public static function current(): self {
    $settings = \Civi::settings();
    return self::fromDays(
      self::days($settings->get(self::DEFAULT_LIFETIME)) ?? 0,
      self::days($settings->get(self::MAX_LIFETIME)) ?? 0,
      self::days($settings->get(self::REMINDER_DAYS)) ?? self::DEFAULT_REMINDER_DAYS,
    );
  }

  /**
   * @param int $defaultDays 0 = never
   * @param int $maxDays 0 = no maximum
   */
  public static function fromDays(int $defaultDays, int $maxDays, int $noticeDays): self {
    $max = $maxDays > 0 ? $maxDays : NULL;
    $default = $defaultDays > 0 ? $defaultDays : NULL;
    if ($max !== NULL && ($default === NULL || $default > $max)) {
      $default = $max;
    }
    return new self($default, $max, max(0, $noticeDays));
  }

  /**
   * The lifetime Generate preselects, in days; NULL = never.
   */
  public function defaultDays(): ?int {
    return $this->defaultDays;
  }

  /**
   * The longest a key may live, in days; NULL = no maximum.
   */
  public function maxDays(): ?int {
    return $this->maxDays;
  }

  /**
   * Days before the end when the reminder goes out; 0 = no reminder.
   */
  public function noticeDays(): int {
    return $this->noticeDays;
  }

  /**
   * The `policy` part of the tab's `lifecycle` binding (docs/design-1.1.md).
   */
  public function forTab(): array {
    return ['default_days' => $this->defaultDays, 'max_days' => $this->maxDays, 'notice_days' => $this->noticeDays];
  }

  /**
   * The end of a key for which the user chose `expiresIn` days from now, or the day `expiresOn`
   * (YYYY-MM-DD, the key ends at the end of that day, site time), or neither (never).
   *
   * @return ?string "YYYY-MM-DD HH:MM:SS", or NULL for never
   * @throws \CRM_Core_Exception with a message for the user when the choice breaks a rule
   */
  public function chosenExpiry($expiresIn, $expiresOn, int $now): ?string {
    $hasIn = $expiresIn !== NULL && $expiresIn !== '';
    $hasOn = $expiresOn !== NULL && $expiresOn !== '';
    if ($hasIn && $hasOn) {
      throw new \CRM_Core_Exception(ts('Choose either a number of days or a date for the key to expire, not both.', ['domain' => 'apikeytab']));
    }
    if ($hasIn) {
      $days = self::days($expiresIn);
      if ($days === NULL || $days < 1) {
        throw new \CRM_Core_Exception(ts('The key must expire after a whole number of days, 1 or more.', ['domain' => 'apikeytab']));
      }
      $this->refuseBeyondMaximum($days);
      return self::format(self::at($now)->modify("+$days days"));
    }
    if ($hasOn) {
      $day = is_string($expiresOn) ? \DateTimeImmutable::createFromFormat('!Y-m-d', $expiresOn) : FALSE;
      if ($day === FALSE || $day->format('Y-m-d') !== $expiresOn) {
        throw new \CRM_Core_Exception(ts('The expiry date must be a date written YYYY-MM-DD.', ['domain' => 'apikeytab']));
      }
      $end = $expiresOn . ' 23:59:59';
      if ($end <= self::format(self::at($now))) {
        throw new \CRM_Core_Exception(ts('The expiry date has already passed: choose today or a later day.', ['domain' => 'apikeytab']));
      }
      $this->refuseBeyondMaximum(self::calendarDaysFromToday($expiresOn, $now));
      return $end;
    }
    if ($this->maxDays !== NULL) {
      throw new \CRM_Core_Exception(ts('This site requires every API key to expire within %1 days: choose when this one ends.', [1 => $this->maxDays, 'domain' => 'apikeytab']));
    }
    return NULL;
  }

  /**
   * The end a key gets when it is set without a choice (entered through another screen, the API or
   * an import): the maximum when the site has one, else none. $zone: the site's time zone, when
   * PHP's may no longer be it (after authx logged a user in: CredentialWatch).
   */
  public function expiryForKeySetElsewhere(int $now, ?string $zone = NULL): ?string {
    return $this->maxDays === NULL ? NULL : self::format(self::at($now, $zone)->modify("+{$this->maxDays} days"));
  }

  private function refuseBeyondMaximum(int $days): void {
    if ($this->maxDays !== NULL && $days > $this->maxDays) {
      throw new \CRM_Core_Exception(ts('API keys on this site may live at most %1 days: choose an earlier expiry.', [1 => $this->maxDays, 'domain' => 'apikeytab']));
    }
  }

  /**
   * A whole number of days, from an int or a string of digits (settings and API params may arrive as
   * either); NULL for anything else, negative numbers included.
   */
  public static function days($value): ?int {
    if (is_int($value)) {
      return $value >= 0 ? $value : NULL;
    }
    if (is_string($value) && preg_match('/^\s*\d{1,9}\s*$/', $value)) {
      return (int) trim($value);
    }
    return NULL;
  }

  private static function at(int $timestamp, ?string $zone = NULL): \DateTimeImmutable {
    // Calendar arithmetic in the site's zone, so that "+30 days" keeps the wall-clock time across a
    // change of daylight saving time.
    return (new \DateTimeImmutable('@' . $timestamp))->setTimezone(new \DateTimeZone($zone ?? date_default_timezone_get()));
  }

  private static function format(\DateTimeImmutable $time): string {
    return $time->format('Y-m-d H:i:s');
  }

  private static function calendarDaysFromToday(string $day, int $now): int {
    $today = new \DateTimeImmutable(self::at($now)->format('Y-m-d'));
    $diff = $today->diff(new \DateTimeImmutable($day));
    return $diff->invert ? -$diff->days : $diff->days;
  }

}
