<?php

namespace Civi\ApiKeyTab\Lifecycle;

/**
 * The SQL of table civicrm_apikeytab_key (entity ApiKeyRecord): one row per contact with a key,
 * holding the SHA-256 of the key it speaks for, never the key.
 *
 * Plain SQL through CRM_Core_DAO rather than APIv4: the recording runs on every authenticated
 * request, before the API kernel's permission and event machinery would be worth its cost, and a
 * request must pay for exactly one indexed query. The statements stay within what MySQL, MariaDB
 * and SQLite share (the PHP tests run them in SQLite), except for the CREATE TABLE options.
 *
 * Dates are site-local 'YYYY-MM-DD HH:MM:SS' strings, as CiviCRM keeps its own.
 */
class KeyRecords {

  public const TABLE = 'civicrm_apikeytab_key';

  public static function fingerprint(string $key): string {
    return hash('sha256', self::normalise($key));
  }

  /**
   * The key as MySQL compares it: CiviCRM's collations ignore trailing spaces, so core's
   * `WHERE api_key = %1` accepts "KEY " for "KEY", and on 6.15 authx hands listeners the credential
   * with a space appended. Trailing spaces therefore never tell two keys apart.
   */
  public static function normalise(string $key): string {
    return rtrim($key, ' ');
  }

  /**
   * Idempotent: install and the upgrade from 1.0.0 both run it, on every supported core.
   */
  public static function createSql(): string {
    $table = self::TABLE;
    $options = self::tableOptions();
    return <<<SQL
CREATE TABLE IF NOT EXISTS `$table` (
  `id` int unsigned NOT NULL AUTO_INCREMENT,
  `contact_id` int unsigned NOT NULL,
  `key_fingerprint` char(64) NOT NULL,
  `set_date` datetime NULL DEFAULT NULL,
  `set_by` int unsigned NULL DEFAULT NULL,
  `last_used_date` datetime NULL DEFAULT NULL,
  `last_used_ip` varchar(64) NULL DEFAULT NULL,
  `expires_date` datetime NULL DEFAULT NULL,
  `reminder_sent_date` datetime NULL DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE INDEX `UI_contact_id` (`contact_id`),
  INDEX `index_key_fingerprint` (`key_fingerprint`),
  CONSTRAINT `FK_{$table}_contact_id` FOREIGN KEY (`contact_id`) REFERENCES `civicrm_contact` (`id`) ON DELETE CASCADE,
  CONSTRAINT `FK_{$table}_set_by` FOREIGN KEY (`set_by`) REFERENCES `civicrm_contact` (`id`) ON DELETE SET NULL
) {$options}
SQL;
  }

  /**
   * The table options core's own SQL generator gives an extension's table (Civi\Schema\SqlGenerator,
   * 5.74+): the character set and collation the site's tables already use. Sites installed before
   * 5.33 still run utf8 (utf8mb3) with utf8_unicode_ci; a table of its own kind stays consistent
   * with them (and with `cv`'s schema checks).
   */
  private static function tableOptions(): string {
    $collation = 'utf8mb4_unicode_ci';
    if (method_exists('CRM_Core_BAO_SchemaHandler', 'getInUseCollation')) {
      $inUse = (string) \CRM_Core_BAO_SchemaHandler::getInUseCollation();
      // Interpolated into the statement: only a collation name, or the default.
      if (preg_match('/^utf8(mb[34])?_\w+$/', $inUse)) {
        $collation = $inUse;
      }
    }
    $characterSet = stripos($collation, 'utf8mb4') === 0 ? 'utf8mb4' : 'utf8';
    return "ENGINE=InnoDB DEFAULT CHARACTER SET {$characterSet} COLLATE {$collation} ROW_FORMAT=DYNAMIC";
  }

  public static function create(): void {
    \CRM_Core_DAO::executeQuery(self::createSql());
  }

  public static function drop(): void {
    \CRM_Core_DAO::executeQuery('DROP TABLE IF EXISTS `' . self::TABLE . '`');
  }

  /**
   * civicrm_contact.api_key is varchar(32): a longer credential (a JWT) is nobody's key.
   */
  public const KEY_MAX_LENGTH = 32;

  /**
   * The contacts whose stored key authx's own query (`WHERE api_key = %1`) would take this
   * credential for, each with its row if that row speaks for the key as stored: one query on
   * core's index_api_key.
   *
   * Matched by the database, not by the fingerprint of the credential: the column's collation
   * (utf8mb4_unicode_ci, utf8_unicode_ci on older sites) ignores letter case and trailing spaces,
   * so authx accepts "abc" for a stored "ABC", and a fingerprint of what was sent would miss the
   * row (and its expiry) of the key that was accepted. Two contacts may share a key: core does not
   * stop it.
   *
   * @return array<int, array{key: string, row: ?array}> by contact id
   */
  public static function forCredential(string $key): array {
    $key = self::normalise($key);
    if ($key === '' || mb_strlen($key, 'UTF-8') > self::KEY_MAX_LENGTH) {
      return [];
    }
    $dao = \CRM_Core_DAO::executeQuery(
      'SELECT c.id AS holder_id, c.api_key AS holder_key, r.* FROM civicrm_contact c LEFT JOIN ' . self::TABLE . ' r ON r.contact_id = c.id WHERE c.api_key = %1',
      [1 => [$key, 'String']]
    );
    $holders = [];
    while ($dao->fetch()) {
      $stored = (string) $dao->holder_key;
      $row = ($dao->id ?? NULL) === NULL ? NULL : self::row($dao);
      if ($row !== NULL && !hash_equals((string) $row['key_fingerprint'], self::fingerprint($stored))) {
        // Left behind by a key changed where no hook saw it: it says nothing of this one.
        $row = NULL;
      }
      $holders[(int) $dao->holder_id] = ['key' => $stored, 'row' => $row];
    }
    return $holders;
  }

  public static function forContact(int $contactId): ?array {
    $dao = \CRM_Core_DAO::executeQuery(
      'SELECT * FROM ' . self::TABLE . ' WHERE contact_id = %1',
      [1 => [$contactId, 'Positive']]
    );
    return $dao->fetch() ? self::row($dao) : NULL;
  }

  /**
   * Records a use. The condition keeps two requests of the same minute from both writing, and an
   * older request finishing late from moving the date back.
   */
  public static function touch(int $id, string $now, ?string $ip, string $notAfter): void {
    \CRM_Core_DAO::executeQuery(
      'UPDATE ' . self::TABLE . ' SET last_used_date = %1, last_used_ip = ' . self::nullable(2, $ip) . ' WHERE id = %3 AND (last_used_date IS NULL OR last_used_date <= %4)',
      self::params([1 => $now, 2 => $ip, 3 => $id, 4 => $notAfter])
    );
  }

  /**
   * Starts the contact's row afresh for a key: whatever the old row said (another key's use, set
   * date or expiry) no longer applies.
   *
   * @param array{set_date?: ?string, set_by?: ?int, last_used_date?: ?string, last_used_ip?: ?string, expires_date?: ?string} $facts
   */
  public static function restart(int $contactId, string $key, array $facts): void {
    $values = [
      'contact_id' => $contactId,
      'key_fingerprint' => self::fingerprint($key),
      'set_date' => $facts['set_date'] ?? NULL,
      'set_by' => $facts['set_by'] ?? NULL,
      'last_used_date' => $facts['last_used_date'] ?? NULL,
      'last_used_ip' => $facts['last_used_ip'] ?? NULL,
      'expires_date' => $facts['expires_date'] ?? NULL,
      'reminder_sent_date' => NULL,
    ];
    $placeholders = [];
    $params = [];
    $n = 0;
    foreach ($values as $value) {
      $n++;
      $placeholders[] = self::nullable($n, $value);
      $params[$n] = $value;
    }
    // REPLACE: the unique contact_id turns it into "delete the contact's row, insert this one".
    \CRM_Core_DAO::executeQuery(
      'REPLACE INTO ' . self::TABLE . ' (' . implode(', ', array_keys($values)) . ') VALUES (' . implode(', ', $placeholders) . ')',
      self::params($params)
    );
  }

  public static function remove(int $contactId): void {
    \CRM_Core_DAO::executeQuery('DELETE FROM ' . self::TABLE . ' WHERE contact_id = %1', [1 => [$contactId, 'Positive']]);
  }

  /**
   * CRM_Core_DAO::composeQuery() validates every parameter against its type, and NULL is no
   * string: a missing value is written as the literal NULL instead.
   */
  private static function nullable(int $n, $value): string {
    return $value === NULL ? 'NULL' : "%$n";
  }

  private static function params(array $values): array {
    $params = [];
    foreach ($values as $n => $value) {
      if ($value !== NULL) {
        $params[$n] = [is_int($value) ? $value : (string) $value, is_int($value) ? 'Integer' : 'String'];
      }
    }
    return $params;
  }

  /**
   * @param \CRM_Core_DAO $dao
   */
  private static function row($dao): array {
    $row = [];
    foreach (['id', 'contact_id', 'key_fingerprint', 'set_date', 'set_by', 'last_used_date', 'last_used_ip', 'expires_date', 'reminder_sent_date'] as $column) {
      $value = $dao->$column ?? NULL;
      $row[$column] = $value === '' ? NULL : $value;
    }
    foreach (['id', 'contact_id', 'set_by'] as $column) {
      $row[$column] = $row[$column] === NULL ? NULL : (int) $row[$column];
    }
    return $row;
  }

}
