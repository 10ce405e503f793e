<?php
// Stand-ins for what the key lifecycle touches beyond civicrm-stubs.php: CRM_Core_DAO answered by a
// real SQL engine (SQLite in memory, php-sqlite3), so that the statements of KeyRecords run as
// written; the authx credential event; the upgrader base. (The clock is World::$now.)
// Same names and call shapes as core (CRM/Core/DAO.php executeQuery() and its %N parameters,
// ext/authx/Civi/Authx/CheckCredentialEvent.php,
// CRM/Extension/Upgrader/Base.php).

namespace ApiKeyTabTests {

  use Civi\ApiKeyTab\Lifecycle\KeyRecords;

  /**
   * The site's database for one case: civicrm_contact (id, api_key) and, unless a case asks for a
   * site without it, the key table as KeyRecords::createSql() defines it.
   */
  class Database {

    public static ?\PDO $pdo = NULL;

    /** @var array[] every statement run: [sql, params] */
    public static array $statements = [];

    /** @var ?callable fn(string $sql): ?\Throwable, to make a statement fail as a database would */
    public static $failure = NULL;

    public static function fresh(bool $withKeyTable = TRUE): void {
      self::$failure = NULL;
      self::$pdo = new \PDO('sqlite::memory:', NULL, NULL, [\PDO::ATTR_ERRMODE => \PDO::ERRMODE_EXCEPTION]);
      self::$pdo->exec('PRAGMA foreign_keys = ON');
      // civicrm_contact.api_key compares as in MySQL/MariaDB with CiviCRM's utf8mb4_unicode_ci (or
      // utf8_unicode_ci on older sites): letter case and trailing spaces do not count, so core's
      // `WHERE api_key = %1` (authx) accepts "abc" for a stored "ABC".
      self::$pdo->sqliteCreateCollation('MYSQL_CI', fn(string $a, string $b): int => strcmp(mb_strtolower(rtrim($a, ' ')), mb_strtolower(rtrim($b, ' '))));
      self::$pdo->exec('CREATE TABLE civicrm_contact (id INTEGER PRIMARY KEY, api_key varchar(32) COLLATE MYSQL_CI NULL)');
      self::$pdo->exec('CREATE INDEX index_api_key ON civicrm_contact (api_key)');
      if ($withKeyTable) {
        self::run(KeyRecords::createSql(), []);
      }
      self::$statements = [];
      self::$failure = NULL;
    }

    /**
     * civicrm_contact as World::$apiKeys says.
     */
    public static function syncContacts(): void {
      self::pdo()->exec('DELETE FROM civicrm_contact');
      $insert = self::pdo()->prepare('INSERT INTO civicrm_contact (id, api_key) VALUES (?, ?)');
      foreach (World::$apiKeys as $id => $key) {
        $insert->execute([$id, $key]);
      }
    }

    public static function pdo(): \PDO {
      if (self::$pdo === NULL) {
        self::fresh();
      }
      return self::$pdo;
    }

    public static function rows(string $sql): array {
      return self::pdo()->query($sql)->fetchAll(\PDO::FETCH_ASSOC);
    }

    /**
     * The contact's row in the key table, NULL without one.
     */
    public static function keyRow(int $contactId): ?array {
      return self::rows('SELECT * FROM civicrm_apikeytab_key WHERE contact_id = ' . $contactId)[0] ?? NULL;
    }

    public static function hasTable(string $name): bool {
      $found = self::pdo()->prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?");
      $found->execute([$name]);
      return $found->fetchColumn() !== FALSE;
    }

    public static function run(string $sql, array $params): \PDOStatement {
      self::$statements[] = [$sql, $params];
      if (self::$failure && ($error = (self::$failure)($sql))) {
        throw $error;
      }
      $composed = self::compose($sql, $params);
      if (preg_match('/^\s*CREATE TABLE/i', $composed)) {
        [$composed, $indexes] = self::sqliteTable($composed);
        $statement = self::pdo()->query($composed);
        foreach ($indexes as $index) {
          self::pdo()->exec($index);
        }
        return $statement;
      }
      return self::pdo()->query($composed);
    }

    /**
     * Like CRM_Core_DAO::composeQuery(): each %N replaced by its value, quoted by its type.
     */
    private static function compose(string $sql, array $params): string {
      $replacements = [];
      foreach ($params as $n => [$value, $type]) {
        if (in_array($type, ['Integer', 'Positive', 'Int'], TRUE)) {
          if (!is_numeric($value)) {
            throw new \LogicException("$value is not of type $type");
          }
          $replacements["%$n"] = (string) (int) $value;
        }
        elseif ($type === 'String') {
          if (!is_string($value)) {
            throw new \LogicException('A String parameter must be a string, got ' . gettype($value));
          }
          $replacements["%$n"] = self::pdo()->quote($value);
        }
        else {
          throw new \LogicException("No stand-in for parameter type $type");
        }
      }
      // Longest first, so that %1 does not eat the start of %10.
      uksort($replacements, fn($a, $b) => strlen($b) <=> strlen($a));
      $composed = strtr($sql, $replacements);
      if (preg_match('/%\d/', $composed)) {
        throw new \LogicException("A placeholder has no parameter: $sql");
      }
      return $composed;
    }

    /**
     * MySQL's CREATE TABLE in SQLite's words: the column list and constraints as written, the
     * inline indexes as CREATE INDEX statements, the table options dropped.
     *
     * @return array{0: string, 1: string[]}
     */
    private static function sqliteTable(string $sql): array {
      preg_match('/CREATE TABLE IF NOT EXISTS `(\w+)`/', $sql, $m);
      $table = $m[1];
      $indexes = [];
      $lines = [];
      foreach (explode("\n", $sql) as $line) {
        if (preg_match('/^\s*PRIMARY KEY \(`id`\),?$/', $line)) {
          continue;
        }
        if (preg_match('/^\s*INDEX `(\w+)` \(`(\w+)`\),?$/', $line, $m)) {
          $indexes[] = "CREATE INDEX IF NOT EXISTS `$m[1]` ON `$table` (`$m[2]`)";
          continue;
        }
        $line = preg_replace('/^(\s*)UNIQUE INDEX `(\w+)` \((`\w+`)\)/', '$1CONSTRAINT `$2` UNIQUE ($3)', $line);
        $line = preg_replace('/`id` int unsigned NOT NULL AUTO_INCREMENT/', '`id` INTEGER PRIMARY KEY AUTOINCREMENT', $line);
        $line = preg_replace('/^\) ENGINE=.*$/', ')', $line);
        $lines[] = $line;
      }
      return [implode("\n", $lines), $indexes];
    }

  }

}

namespace Civi\Authx {

  /**
   * What authx dispatches as civi.authx.checkCredential: on 6.15 the value is cut from "$cred "
   * and so ends with a space (the trap in ../shared/civicrm/README.md); on older cores it does not.
   */
  class CheckCredentialEvent {

    public $credFormat;

    public $credValue;

    private ?string $rejection = NULL;

    public function __construct(string $cred, bool $trailingSpace = TRUE) {
      [$this->credFormat, $this->credValue] = explode(' ', $trailingSpace ? "$cred " : $cred, 2);
    }

    public function reject(string $message): void {
      $this->rejection = $message;
    }

    public function getRejection(): ?string {
      return $this->rejection;
    }

  }

}

namespace {

  use ApiKeyTabTests\Database;

  #[\AllowDynamicProperties]
  class CRM_Core_DAO {

    private ?\PDOStatement $statement = NULL;

    public static function executeQuery($query, $params = []) {
      $dao = new self();
      $dao->statement = Database::run($query, $params);
      return $dao;
    }

    public function fetch(): bool {
      $row = $this->statement ? $this->statement->fetch(\PDO::FETCH_ASSOC) : FALSE;
      if ($row === FALSE) {
        return FALSE;
      }
      foreach ($row as $column => $value) {
        $this->$column = $value === NULL ? NULL : (string) $value;
      }
      return TRUE;
    }

  }

  class CRM_Extension_Upgrader_Base {
  }

}
