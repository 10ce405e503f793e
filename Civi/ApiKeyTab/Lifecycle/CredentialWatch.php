<?php

namespace Civi\ApiKeyTab\Lifecycle;

use Civi\Core\Service\AutoSubscriber;

/**
 * Watches the API keys authx accepts: refuses an expired one, and records when and from where
 * each key was last used (at most one write per key per minute).
 *
 * Two moments of one request. `civi.authx.checkCredential` fires first, with the raw credential:
 * above core's api_key check (-300), one indexed query finds the key's row, and an expired key is
 * rejected there (authx answers 401 "API key has expired"). Whether authx then accepts the request
 * (guards, user, flow) is only known at `civi.invoke.auth` after authx's own listener (0): a
 * negative priority runs only for accepted requests, and the session's 'authx' entry says which
 * credential type and contact won. Only then is anything written.
 *
 * Neither moment may fail or slow the request it watches: any error is logged, without the key or
 * its fingerprint, and the request goes on as if the extension were not there.
 */
class CredentialWatch extends AutoSubscriber {

  /**
   * Above core's api_key check (CheckCredential::PRIORITY_BEARER_API_KEY = -300), which stops the
   * event once it accepts; below nothing that matters.
   */
  public const CHECK_PRIORITY = -250;

  /**
   * After authx's Authenticator, which listens at 0 and exits with a 401 on a refused credential.
   */
  public const INVOKE_PRIORITY = -100;

  public const THROTTLE_SECONDS = 60;

  /**
   * What checkCredential found for this request's credential, until civi.invoke.auth: the
   * contacts holding it, each with its key as stored and its row (KeyRecords::forCredential()),
   * and the site-local now of the request. That is taken before authx logs the user in: login()
   * then re-sets PHP's time zone to the user's (userSystem->setTimeZone()), after which date()
   * no longer gives site time.
   *
   * @var ?array{key: string, holders: array<int, array{key: string, row: ?array}>, time: int, zone: string, now: string, threshold: string}
   */
  private static ?array $seen = NULL;

  public static function getSubscribedEvents(): array {
    return [
      'civi.authx.checkCredential' => ['onCheckCredential', self::CHECK_PRIORITY],
      'civi.invoke.auth' => ['onInvokeAuth', self::INVOKE_PRIORITY],
    ];
  }

  /**
   * @param \Civi\Authx\CheckCredentialEvent $event
   */
  public function onCheckCredential($event): void {
    self::$seen = NULL;
    if (($event->credFormat ?? NULL) !== 'Bearer') {
      return;
    }
    $key = KeyRecords::normalise((string) ($event->credValue ?? ''));
    if ($key === '') {
      return;
    }
    try {
      $holders = KeyRecords::forCredential($key);
    }
    catch (\Throwable $e) {
      self::report('the key record could not be read', NULL, $e, $key);
      return;
    }
    if ($holders === []) {
      // Nobody's key (or a JWT): authx refuses it or another listener takes it; nothing to record.
      return;
    }
    $time = \CRM_Utils_Time::getTimeRaw();
    $now = date('Y-m-d H:i:s', $time);
    self::$seen = [
      'key' => $key,
      'holders' => $holders,
      'time' => $time,
      'zone' => date_default_timezone_get(),
      'now' => $now,
      'threshold' => date('Y-m-d H:i:s', $time - self::THROTTLE_SECONDS),
    ];

    // A key shared by two contacts is refused only if every one of its rows has ended: authx logs
    // in as whichever contact its own query finds, which this one cannot know.
    $expired = FALSE;
    foreach ($holders as $holder) {
      $row = $holder['row'];
      $expired = $row !== NULL && $row['expires_date'] !== NULL && $row['expires_date'] <= $now;
      if (!$expired) {
        break;
      }
    }
    if ($expired) {
      $event->reject('API key has expired');
    }
  }

  /**
   * @param \Civi\Core\Event\GenericHookEvent $event
   */
  public function onInvokeAuth($event): void {
    $seen = self::$seen;
    self::$seen = NULL;
    if ($seen === NULL) {
      return;
    }
    $contactId = NULL;
    // What a failed statement of this moment may quote: the fingerprint of the key as stored.
    $secret = $seen['key'];
    try {
      $authx = \CRM_Core_Session::singleton()->get('authx');
      // 'jwt', 'pass', 'already-logged-in', 'assigned': not a use of an API key.
      if (!is_array($authx) || ($authx['credType'] ?? NULL) !== 'api_key' || empty($authx['contactId'])) {
        return;
      }
      $contactId = (int) $authx['contactId'];
      // Site time, as it was before authx's login() switched to the user's time zone.
      $now = $seen['now'];
      $ip = self::clientAddress();
      $holder = $seen['holders'][$contactId] ?? NULL;
      if ($holder === NULL) {
        // authx logged in someone this credential was not found for: nothing of ours to record.
        return;
      }
      $secret = $holder['key'];
      $row = $holder['row'];
      if ($row !== NULL) {
        $threshold = $seen['threshold'];
        if ($row['last_used_date'] === NULL || $row['last_used_date'] <= $threshold) {
          KeyRecords::touch($row['id'], $now, $ip, $threshold);
        }
        return;
      }
      // No row speaks for this key: it was set before the extension was installed, or changed
      // where no hook sees it. From now on the key as stored is the one the contact's row tracks,
      // and, as a key set elsewhere, under a site maximum it ends that many days from now.
      KeyRecords::restart($contactId, $holder['key'], [
        'last_used_date' => $now,
        'last_used_ip' => $ip,
        'expires_date' => Policy::current()->expiryForKeySetElsewhere($seen['time'], $seen['zone']),
      ]);
    }
    catch (\Throwable $e) {
      self::report('the use of an API key was not recorded', $contactId, $e, $secret);
    }
  }

  /**
   * Forgets what the last credential check found (a new request, in the tests and the benchmark).
   */
  public static function forget(): void {
    self::$seen = NULL;
  }

  private static function clientAddress(): ?string {
    $address = \CRM_Utils_System::ipAddress(FALSE);
    return is_string($address) && $address !== '' ? substr($address, 0, 64) : NULL;
  }

  private static function report(string $what, ?int $contactId, \Throwable $e, string $key): void {
    try {
      \Civi::log()->warning('apikeytab: {what} (contact {contact}): {cause}', [
        'what' => $what,
        'contact' => $contactId ?? 'unknown',
        'cause' => Redact::cause($e, $key),
      ]);
    }
    catch (\Throwable $ignored) {
      // Not even the log may cost the request.
    }
  }

}
