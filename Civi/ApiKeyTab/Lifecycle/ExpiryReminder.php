<?php

namespace Civi\ApiKeyTab\Lifecycle;

use Civi\Api4\ApiKeyRecord;
use Civi\Api4\Email;

/**
 * The one reminder a key gets before it ends: the site-editable message template WORKFLOW
 * (managed/MessageTemplate.mgd.php), sent with CiviCRM's mailer to whoever set the key and to the
 * contact's own primary email. It names the contact and the date, never any part of the key.
 *
 * Order against a crash between sending and recording: the reminder is recorded (claimed) first,
 * then sent. A crash in between loses that one reminder; the opposite order would send it again
 * on the next run, and "never twice" is the promise. When no message at all went out (the mailer
 * refused, the template failed), the claim is given back so that the next run tries again. When one
 * recipient got it and another did not, the claim stays: trying again would send a second copy to
 * the first.
 */
final class ExpiryReminder {

  public const WORKFLOW = 'apikeytab_expiry_reminder';

  public const SENT = 'sent';

  /** Nobody to send it to (no primary email): recorded, so it is not looked for again daily. */
  public const NOBODY = 'nobody';

  public const FAILED = 'failed';

  /** Another run recorded it first. */
  public const TAKEN = 'taken';

  /**
   * @param array $row a row of the key table, with contact_id.display_name
   * @param string $now site-local "YYYY-MM-DD HH:MM:SS"
   */
  public static function send(array $row, string $now): string {
    $claimed = ApiKeyRecord::update(FALSE)
      ->addWhere('id', '=', (int) $row['id'])
      ->addWhere('reminder_sent_date', 'IS NULL')
      ->addValue('reminder_sent_date', $now)
      ->execute()
      ->count();
    if ($claimed === 0) {
      return self::TAKEN;
    }

    $contactId = (int) $row['contact_id'];
    $sent = 0;
    try {
      $recipients = self::recipients($row);
      if (!$recipients) {
        \Civi::log()->info('apikeytab: no reminder for the API key of contact {contact}: neither it nor whoever set the key has a primary email.', ['contact' => $contactId]);
        return self::NOBODY;
      }
      $from = \CRM_Core_BAO_Domain::getFromEmail();
      $tplParams = self::templateParams($row, $now);
      foreach ($recipients as $recipient) {
        try {
          [$ok] = \CRM_Core_BAO_MessageTemplate::sendTemplate([
            'workflow' => self::WORKFLOW,
            'contactId' => $recipient['contact_id'],
            'from' => $from,
            'toName' => $recipient['display_name'],
            'toEmail' => $recipient['email'],
            'tplParams' => $tplParams,
          ]);
          if ($ok) {
            $sent++;
            continue;
          }
          $cause = 'the mailer did not send it';
        }
        catch (\Throwable $e) {
          $cause = get_class($e) . ': ' . $e->getMessage();
        }
        \Civi::log()->error('apikeytab: the expiry reminder for the API key of contact {contact} did not reach contact {recipient}: {cause}', [
          'contact' => $contactId,
          'recipient' => $recipient['contact_id'],
          'cause' => $cause,
        ]);
      }
    }
    catch (\Throwable $e) {
      \Civi::log()->error('apikeytab: the expiry reminder for the API key of contact {contact} could not be sent: {cause}', [
        'contact' => $contactId,
        'cause' => get_class($e) . ': ' . $e->getMessage(),
      ]);
    }
    if ($sent > 0) {
      return self::SENT;
    }
    try {
      ApiKeyRecord::update(FALSE)
        ->addWhere('id', '=', (int) $row['id'])
        ->addValue('reminder_sent_date', NULL)
        ->execute();
    }
    catch (\Throwable $e) {
      \Civi::log()->error('apikeytab: the unsent expiry reminder for the API key of contact {contact} stays recorded as sent and will not be retried: {cause}', [
        'contact' => $contactId,
        'cause' => get_class($e) . ': ' . $e->getMessage(),
      ]);
    }
    return self::FAILED;
  }

  /**
   * Whoever set the key and the key's contact, by primary email, each address once.
   *
   * @return array[] {contact_id, display_name, email}
   */
  private static function recipients(array $row): array {
    $contactIds = array_values(array_unique(array_filter([(int) ($row['set_by'] ?? 0), (int) $row['contact_id']])));
    $emails = Email::get(FALSE)
      ->addSelect('contact_id', 'email', 'contact_id.display_name')
      ->addWhere('contact_id', 'IN', $contactIds)
      ->addWhere('is_primary', '=', TRUE)
      ->execute();
    $recipients = [];
    foreach ($emails as $email) {
      $address = trim((string) ($email['email'] ?? ''));
      if ($address === '' || isset($recipients[strtolower($address)])) {
        continue;
      }
      $recipients[strtolower($address)] = [
        'contact_id' => (int) $email['contact_id'],
        'display_name' => $email['contact_id.display_name'] ?? NULL,
        'email' => $address,
      ];
    }
    return array_values($recipients);
  }

  /**
   * What the template may use: {$contactName}, {$expiresOn} (site format), {$daysLeft} and
   * {$contactUrl} (the contact's API Key tab). Nothing of the key.
   */
  public static function templateParams(array $row, string $now): array {
    $contactId = (int) $row['contact_id'];
    $today = new \DateTimeImmutable(substr($now, 0, 10));
    $end = new \DateTimeImmutable(substr((string) $row['expires_date'], 0, 10));
    return [
      'contactName' => (string) ($row['contact_id.display_name'] ?? ''),
      'expiresOn' => \CRM_Utils_Date::customFormat($row['expires_date']),
      'daysLeft' => (int) $today->diff($end)->days,
      'contactUrl' => \CRM_Utils_System::url('civicrm/contact/view', "reset=1&cid=$contactId&selectedChild=apikey", TRUE, NULL, FALSE),
    ];
  }

}
