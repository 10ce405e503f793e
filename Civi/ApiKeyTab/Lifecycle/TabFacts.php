<?php

namespace Civi\ApiKeyTab\Lifecycle;

/**
 * The tab's `lifecycle` binding (docs/design-1.1.md): when the key was last used and from where,
 * since when use has been recorded, when it expires, and the site's expiry policy.
 */
class TabFacts {

  /**
   * @param int $contactId
   * @param ?string $currentKey the key stored now (NULL or '' for none), as the tab already read it
   * @param bool $canView whether the viewer may read keys: only then is the address shown
   *
   * @return ?array NULL when the record could not be read (the tab then shows what 1.0 showed)
   */
  public static function forContact(int $contactId, ?string $currentKey, bool $canView): ?array {
    $facts = [
      'last_used' => NULL,
      'usage_since' => NULL,
      'expires' => NULL,
      'policy' => self::policy(),
    ];
    if ($currentKey === NULL || $currentKey === '') {
      // No key, no query: Generate still needs the policy.
      return $facts;
    }
    try {
      $row = KeyRecords::forContact($contactId);
    }
    catch (\Throwable $e) {
      \Civi::log()->error('apikeytab: the key record of contact {contact} could not be read: {cause}', [
        'contact' => $contactId,
        'cause' => Redact::cause($e, $currentKey),
      ]);
      return NULL;
    }
    // A row for another key (changed where no hook sees it) says nothing about this one.
    if ($row !== NULL && !hash_equals($row['key_fingerprint'], KeyRecords::fingerprint($currentKey))) {
      $row = NULL;
    }
    if ($row !== NULL && $row['last_used_date'] !== NULL) {
      $facts['last_used'] = ['date' => $row['last_used_date'], 'ip' => $canView ? $row['last_used_ip'] : NULL];
    }
    // Unknown beginnings (no row, or a row started at a first use): use is known only since the
    // extension began recording it.
    if ($row === NULL || $row['set_date'] === NULL) {
      $facts['usage_since'] = TrackingStart::since();
    }
    $facts['expires'] = $row['expires_date'] ?? NULL;
    return $facts;
  }

  /**
   * The site's expiry rules as Policy reads them (a default longer than the maximum counts as the
   * maximum); if the settings cannot be read, the safe reading: never, no maximum, 7 days' notice.
   *
   * @return array{default_days: ?int, max_days: ?int, notice_days: int}
   */
  public static function policy(): array {
    try {
      return Policy::current()->forTab();
    }
    catch (\Throwable $e) {
      \Civi::log()->error('apikeytab: the key expiry settings could not be read: {cause}', ['cause' => get_class($e) . ': ' . $e->getMessage()]);
      return ['default_days' => NULL, 'max_days' => NULL, 'notice_days' => Policy::DEFAULT_REMINDER_DAYS];
    }
  }

}
