<?php

namespace Civi\Api4\Action\ApiKeyRecord;

use Civi\Api4\ApiKeyRecord;
use Civi\Api4\Contact;
use Civi\Api4\Generic\AbstractAction;
use Civi\Api4\Generic\Result;
use Civi\ApiKeyTab\Audit\KeyAudit;
use Civi\ApiKeyTab\Lifecycle\ExpiryReminder;
use Civi\ApiKeyTab\Lifecycle\KeyRecords;
use Civi\ApiKeyTab\Lifecycle\Policy;
use Civi\ApiKeyTab\Lifecycle\Redact;
use Civi\ApiKeyTab\SavedKey;

/**
 * The daily job apikeytab_expire_keys (managed/Job.mgd.php): revokes every key whose end has passed
 * and sends one reminder per key `notice` days before its end.
 *
 * Each key on its own: a key that fails is logged and counted, and the others go on; the next run
 * takes it up again. authx refuses an expired key by itself (CredentialWatch), so a late or failed
 * run leaves no expired key usable: this job tidies up and tells people.
 *
 * Returns one record: {revoked, reminded, failed}.
 */
class Expire extends AbstractAction {

  public function _run(Result $result) {
    $now = date('Y-m-d H:i:s', \CRM_Utils_Time::getTimeRaw());
    $policy = Policy::current();
    $summary = ['revoked' => 0, 'reminded' => 0, 'failed' => 0];

    foreach (self::records([['expires_date', '<=', $now]]) as $row) {
      $outcome = self::revoke($row);
      if ($outcome !== NULL) {
        $summary[$outcome]++;
      }
    }

    if ($policy->noticeDays() > 0) {
      $until = (new \DateTimeImmutable($now))->modify('+' . $policy->noticeDays() . ' days')->format('Y-m-d H:i:s');
      $due = self::records([['expires_date', '>', $now], ['expires_date', '<=', $until], ['reminder_sent_date', 'IS NULL']]);
      foreach ($due as $row) {
        try {
          $outcome = self::currentKeyOf($row) === NULL ? NULL : ExpiryReminder::send($row, $now);
        }
        catch (\Throwable $e) {
          // Before anything was recorded (ExpiryReminder catches what comes after): the next run
          // tries again.
          \Civi::log()->error('apikeytab: the expiry reminder for the API key of contact {contact} could not be prepared: {cause}', [
            'contact' => (int) $row['contact_id'],
            'cause' => get_class($e) . ': ' . $e->getMessage(),
          ]);
          $outcome = ExpiryReminder::FAILED;
        }
        if ($outcome === ExpiryReminder::SENT) {
          $summary['reminded']++;
        }
        elseif ($outcome === ExpiryReminder::FAILED) {
          $summary['failed']++;
        }
      }
    }

    $result[] = $summary;
  }

  /**
   * @return array[] rows of the key table, with the contact's display name
   */
  private static function records(array $where): array {
    $get = ApiKeyRecord::get(FALSE)
      ->addSelect('id', 'contact_id', 'key_fingerprint', 'set_by', 'expires_date', 'reminder_sent_date', 'contact_id.display_name')
      ->addOrderBy('expires_date', 'ASC')
      ->addOrderBy('id', 'ASC');
    foreach ($where as $condition) {
      $get->addWhere(...$condition);
    }
    return (array) $get->execute()->getArrayCopy();
  }

  /**
   * The key the row speaks for, if the contact still has it; NULL when the key is gone or another
   * key has replaced it behind the extension's back (the row's expiry is not that key's).
   */
  private static function currentKeyOf(array $row): ?string {
    $key = SavedKey::of((int) $row['contact_id']);
    if ($key === NULL || !hash_equals((string) $row['key_fingerprint'], KeyRecords::fingerprint($key))) {
      return NULL;
    }
    return $key;
  }

  /**
   * Revokes one expired key through APIv4, so that the audit trail records it ("API key expired")
   * and the key record follows (KeyRecordSync).
   *
   * One transaction per key. A revoke that throws is rolled back whole and counted as failed: the
   * key stays (CredentialWatch refuses it anyway, as expired) and the next run tries again. What the
   * hooks do after a successful write cannot undo it: KeyAudit and KeyRecordSync catch their own
   * failures, so a revoke whose activity or record could not be written stands, and the gap is
   * logged without the key.
   *
   * @return ?string 'revoked', 'failed', or NULL when there was nothing to revoke
   */
  private static function revoke(array $row): ?string {
    $contactId = (int) $row['contact_id'];
    $key = NULL;
    try {
      $key = self::currentKeyOf($row);
      if ($key === NULL) {
        return NULL;
      }
      \CRM_Core_Transaction::create()->run(function () use ($contactId): void {
        KeyAudit::recordAs(ts('API key expired', ['domain' => 'apikeytab']), function () use ($contactId): void {
          Contact::update(FALSE)
            ->addWhere('id', '=', $contactId)
            ->addValue('api_key', NULL)
            ->execute();
        });
      });
      return 'revoked';
    }
    catch (\Throwable $e) {
      \Civi::log()->error('apikeytab: the expired API key of contact {contact} could not be revoked; the next run tries again: {cause}', [
        'contact' => $contactId,
        'cause' => Redact::cause($e, $key),
      ]);
      return 'failed';
    }
  }

}
