<?php

namespace Civi\ApiKeyTab\Lifecycle;

use Civi\Core\Event\GenericHookEvent;
use Civi\Core\Service\AutoSubscriber;

/**
 * Refuses nonsense in the lifecycle settings with a message that says what is wrong, before anything
 * is saved.
 *
 * Each value alone: `validate_callback` of each setting, which core calls both from the settings
 * form (CRM_Admin_Form_Generic::genericSettingsFormRule, showing the exception's message on the
 * field) and from Setting.create in the API (CRM_Core_BAO_Setting::validateSetting, before any value
 * is saved). The values together (a maximum below the default, "never" under a maximum): the form's
 * hook_civicrm_validateForm, since a validate_callback sees only its own value. API writes that
 * combine values badly are read sensibly by Policy::current() instead.
 */
class LifetimeSettings extends AutoSubscriber {

  private const FORM = 'CRM_Admin_Form_Generic';

  public static function getSubscribedEvents(): array {
    return [
      'hook_civicrm_validateForm' => 'onValidateForm',
    ];
  }

  /**
   * validate_callback of the three settings: a whole number of days from 0 to Policy::LONGEST.
   * Normalises the value to an int.
   *
   * @throws \CRM_Core_Exception
   */
  public static function validateDays(&$value, array $meta): bool {
    $days = Policy::days($value);
    if ($days === NULL || $days > Policy::LONGEST) {
      throw new \CRM_Core_Exception(ts('%1: enter a whole number of days from 0 to %2.', [
        1 => $meta['title'] ?? $meta['name'] ?? '',
        2 => Policy::LONGEST,
        'domain' => 'apikeytab',
      ]));
    }
    $value = $days;
    return TRUE;
  }

  public function onValidateForm(GenericHookEvent $event): void {
    if ($event->formName !== self::FORM) {
      return;
    }
    $fields = $event->fields;
    $names = [Policy::DEFAULT_LIFETIME, Policy::MAX_LIFETIME, Policy::REMINDER_DAYS];
    // Another settings page, or ours with a value each field's own rule already refuses.
    foreach ($names as $name) {
      if (!is_array($fields) || !array_key_exists($name, $fields) || Policy::days($fields[$name]) === NULL) {
        return;
      }
    }
    $errors = &$event->errors;
    foreach (self::combinationErrors(Policy::days($fields[Policy::DEFAULT_LIFETIME]), Policy::days($fields[Policy::MAX_LIFETIME]), Policy::days($fields[Policy::REMINDER_DAYS])) as $name => $message) {
      $errors[$name] = $message;
    }
  }

  /**
   * What is wrong with these three values together, by setting name; empty when nothing is.
   *
   * @return array<string, string>
   */
  public static function combinationErrors(int $defaultDays, int $maxDays, int $noticeDays): array {
    $errors = [];
    if ($maxDays > 0 && $defaultDays === 0) {
      $errors[Policy::DEFAULT_LIFETIME] = ts('With a maximum lifetime of %1 days, keys cannot default to never expiring: enter a default of at most %1 days.', [1 => $maxDays, 'domain' => 'apikeytab']);
    }
    elseif ($maxDays > 0 && $defaultDays > $maxDays) {
      $errors[Policy::MAX_LIFETIME] = ts('The maximum lifetime (%1 days) is shorter than the default lifetime (%2 days): raise the maximum or lower the default.', [1 => $maxDays, 2 => $defaultDays, 'domain' => 'apikeytab']);
    }
    if ($maxDays > 0 && $noticeDays > $maxDays) {
      $errors[Policy::REMINDER_DAYS] = ts('The reminder (%1 days before the end) would go out before a key of the maximum lifetime (%2 days) is even made: enter at most %2 days.', [1 => $noticeDays, 2 => $maxDays, 'domain' => 'apikeytab']);
    }
    return $errors;
  }

}
