<?php
// Stand-ins for what the expiry job, ApiKeyRecord.setExpiry and the token audit touch beyond
// civicrm-stubs.php and lifecycle-stubs.php, with core's names and call shapes:
// Civi/Api4/Generic/AbstractAction.php (params as protected properties with magic get/set,
// getCheckPermissions), APIv4 get/update of ApiKeyRecord (a DAOEntity: here over the SQLite key
// table of lifecycle-stubs.php) and of Email, CRM/Core/Transaction.php (create()->run()),
// CRM/Core/BAO/MessageTemplate.php (sendTemplate() returns [$sent, $subject, $text, $html]),
// CRM/Utils/Date.php (customFormat), Civi/API/Event/RespondEvent.php,
// Civi/Crypto/CryptoRegistry.php (findKey throws CryptoException), Civi/API/Exception/UnauthorizedException.php.
// Each class is declared only if no other stub file has declared it already.

namespace {

  // First: the exceptions below extend it, and conditional declarations happen in file order.
  if (!class_exists('CRM_Core_Exception', FALSE)) {

    class CRM_Core_Exception extends \Exception {
    }

  }

}

namespace ApiKeyTabTests {

  /**
   * The parts of the site the expiry and token cases add to World.
   */
  class Lifecycle {

    /** @var array<int, string> contact id => display name */
    public static array $names = [];

    /** @var array<int, string> contact id => primary email */
    public static array $emails = [];

    /** @var array[] every sendTemplate() call's params */
    public static array $mails = [];

    /** @var ?callable fn(array $params): mixed; a Throwable is thrown, FALSE means "not sent" */
    public static $mailFailure = NULL;

    /** @var array[] ApiKeyRecord.get/update calls */
    public static array $recordCalls = [];

    /** @var ?callable fn(array $call): void, runs before an ApiKeyRecord.update takes effect */
    public static $duringRecordUpdate = NULL;

    /** @var string[] 'begin', 'commit', 'rollback' of transactions, in order */
    public static array $transactions = [];

    public static function reset(): void {
      self::$names = [];
      self::$emails = [];
      self::$mails = [];
      self::$mailFailure = NULL;
      self::$recordCalls = [];
      self::$duringRecordUpdate = NULL;
      self::$transactions = [];
    }

  }

  /**
   * What Civi::service('crypto.registry') answers: a registry with or without a SIGN key.
   */
  class CryptoRegistry {

    public array $lookups = [];

    public function __construct(private bool $hasSignKey, private ?\Throwable $failure = NULL) {
    }

    public function findKey($keyIds) {
      $this->lookups[] = $keyIds;
      if ($this->failure) {
        throw $this->failure;
      }
      if (!$this->hasSignKey) {
        throw new \Civi\Crypto\Exception\CryptoException('Failed to find key by ID or tag (' . implode(' ', (array) $keyIds) . ')');
      }
      return ['id' => 'k1', 'tags' => ['SIGN'], 'suite' => 'jwt-hs256'];
    }

  }

}

namespace Civi\Crypto\Exception {

  if (!class_exists(CryptoException::class, FALSE)) {

    class CryptoException extends \CRM_Core_Exception {
    }

  }

}

namespace Civi\API\Exception {

  if (!class_exists(UnauthorizedException::class, FALSE)) {

    class UnauthorizedException extends \CRM_Core_Exception {
    }

  }

}

namespace Civi\API\Event {

  if (!class_exists(RespondEvent::class, FALSE)) {

    class RespondEvent {

      public function __construct(private $apiProvider, private $apiRequest, private $response, private $apiKernel) {
      }

      public function getApiRequest() {
        return $this->apiRequest;
      }

      public function getResponse() {
        return $this->response;
      }

    }

  }

}

namespace Civi\Api4\Generic {

  if (!class_exists(AbstractAction::class, FALSE)) {

    /**
     * Core's base action: each protected property is a param with a magic getter and setter;
     * execute() runs _run() into a Result.
     */
    abstract class AbstractAction {

      protected $checkPermissions = TRUE;

      public function __construct(protected $_entityName, protected $_actionName) {
      }

      public function getEntityName() {
        return $this->_entityName;
      }

      public function getActionName() {
        return $this->_actionName;
      }

      public function setCheckPermissions(bool $checkPermissions) {
        $this->checkPermissions = $checkPermissions;
        return $this;
      }

      public function getCheckPermissions() {
        return $this->checkPermissions;
      }

      public function __call($name, $arguments) {
        $param = lcfirst(substr($name, 3));
        if (!$param || $param[0] === '_' || !property_exists($this, $param)) {
          throw new \LogicException("Unknown api parameter: $name");
        }
        if (str_starts_with($name, 'get')) {
          return $this->$param;
        }
        if (str_starts_with($name, 'set')) {
          $this->$param = $arguments[0];
          return $this;
        }
        throw new \LogicException("Unknown method: $name");
      }

      abstract public function _run(\Civi\Api4\Generic\Result $result);

      public function execute() {
        $result = new \Civi\Api4\Generic\Result();
        $this->_run($result);
        return $result;
      }

    }

  }

  if (!class_exists(Result::class, FALSE)) {

    class Result extends \Civi\Api4\Result {
    }

  }

}

namespace Civi\Api4 {

  use ApiKeyTabTests\Database;
  use ApiKeyTabTests\Lifecycle;

  if (!class_exists(ApiKeyRecord::class, FALSE)) {

    /**
     * APIv4 get and update of the key table, answered from the SQLite table KeyRecords writes.
     */
    class ApiKeyRecord {

      public static function get(bool $checkPermissions = TRUE): ApiKeyRecordQuery {
        return new ApiKeyRecordQuery('get', $checkPermissions);
      }

      public static function update(bool $checkPermissions = TRUE): ApiKeyRecordQuery {
        return new ApiKeyRecordQuery('update', $checkPermissions);
      }

    }

    class ApiKeyRecordQuery {

      private array $select = [];

      private array $where = [];

      private array $orderBy = [];

      private array $values = [];

      public function __construct(private string $action, private bool $checkPermissions) {
      }

      public function addSelect(string ...$fields): self {
        array_push($this->select, ...$fields);
        return $this;
      }

      public function addWhere(string $field, string $op, $value = NULL): self {
        $this->where[] = [$field, $op, $value];
        return $this;
      }

      public function addOrderBy(string $field, string $direction = 'ASC'): self {
        $this->orderBy[$field] = $direction;
        return $this;
      }

      public function addValue(string $field, $value): self {
        $this->values[$field] = $value;
        return $this;
      }

      public function execute(): Result {
        $call = ['action' => $this->action, 'checkPermissions' => $this->checkPermissions, 'where' => $this->where, 'values' => $this->values];
        Lifecycle::$recordCalls[] = $call;
        [$condition, $params] = $this->condition();
        $order = [];
        foreach ($this->orderBy as $field => $direction) {
          $order[] = self::column($field) . ' ' . ($direction === 'DESC' ? 'DESC' : 'ASC');
        }
        $sql = 'SELECT * FROM civicrm_apikeytab_key WHERE ' . $condition . ($order ? ' ORDER BY ' . implode(', ', $order) : '');
        $found = Database::pdo()->prepare($sql);
        $found->execute($params);
        $rows = $found->fetchAll(\PDO::FETCH_ASSOC);
        if ($this->action === 'update') {
          if (Lifecycle::$duringRecordUpdate) {
            (Lifecycle::$duringRecordUpdate)($call);
          }
          foreach ($rows as &$row) {
            $set = [];
            foreach ($this->values as $field => $value) {
              $set[] = self::column($field) . ' = ?';
            }
            $update = Database::pdo()->prepare('UPDATE civicrm_apikeytab_key SET ' . implode(', ', $set) . ' WHERE id = ?');
            $update->execute([...array_values($this->values), $row['id']]);
            $row = ['id' => (int) $row['id']] + $this->values;
          }
          return new Result($rows);
        }
        foreach ($rows as &$row) {
          foreach (['id', 'contact_id', 'set_by'] as $column) {
            $row[$column] = $row[$column] === NULL ? NULL : (int) $row[$column];
          }
          if (in_array('contact_id.display_name', $this->select, TRUE)) {
            $row['contact_id.display_name'] = Lifecycle::$names[$row['contact_id']] ?? NULL;
          }
          if ($this->select) {
            $row = array_intersect_key($row, array_flip($this->select));
          }
        }
        return new Result($rows);
      }

      private function condition(): array {
        $parts = ['1 = 1'];
        $params = [];
        foreach ($this->where as [$field, $op, $value]) {
          $column = self::column($field);
          if ($op === 'IS NULL' || $op === 'IS NOT NULL') {
            $parts[] = "$column $op";
            continue;
          }
          if (!in_array($op, ['=', '<', '<=', '>', '>='], TRUE)) {
            throw new \LogicException("No stand-in for operator $op");
          }
          $parts[] = "$column $op ?";
          $params[] = $value;
        }
        return [implode(' AND ', $parts), $params];
      }

      private static function column(string $field): string {
        if (!preg_match('/^(id|contact_id|key_fingerprint|set_date|set_by|last_used_date|last_used_ip|expires_date|reminder_sent_date)$/', $field)) {
          throw new \LogicException("ApiKeyRecord has no field $field");
        }
        return $field;
      }

    }

  }

  if (!class_exists(Email::class, FALSE)) {

    class Email {

      public static function get(bool $checkPermissions = TRUE): EmailGet {
        return new EmailGet($checkPermissions);
      }

    }

    class EmailGet {

      private array $where = [];

      public function __construct(private bool $checkPermissions) {
      }

      public function addSelect(string ...$fields): self {
        return $this;
      }

      public function addWhere(string $field, string $op, $value): self {
        $this->where[] = [$field, $op, $value];
        return $this;
      }

      public function execute(): Result {
        $ids = NULL;
        foreach ($this->where as [$field, $op, $value]) {
          if ($field === 'contact_id' && $op === 'IN') {
            $ids = $value;
          }
          elseif (!($field === 'is_primary' && $op === '=' && $value === TRUE)) {
            throw new \LogicException("No stand-in for the Email condition $field $op");
          }
        }
        if ($ids === NULL || count($this->where) !== 2) {
          throw new \LogicException('The stand-in answers for primary emails of listed contacts only.');
        }
        $rows = [];
        foreach ($ids as $id) {
          if (isset(Lifecycle::$emails[$id])) {
            $rows[] = ['contact_id' => $id, 'email' => Lifecycle::$emails[$id], 'contact_id.display_name' => Lifecycle::$names[$id] ?? NULL];
          }
        }
        return new Result($rows);
      }

    }

  }

}

namespace {

  use ApiKeyTabTests\Lifecycle;

  if (!class_exists('CRM_Core_Transaction', FALSE)) {

    class CRM_Core_Transaction {

      public static function create($nest = FALSE): self {
        return new self();
      }

      public function run($callable) {
        Lifecycle::$transactions[] = 'begin';
        try {
          $result = $callable($this);
        }
        catch (\Throwable $e) {
          Lifecycle::$transactions[] = 'rollback';
          throw $e;
        }
        Lifecycle::$transactions[] = 'commit';
        return $result;
      }

    }

  }

  if (!class_exists('CRM_Core_BAO_MessageTemplate', FALSE)) {

    class CRM_Core_BAO_MessageTemplate {

      public static function sendTemplate(array $params): array {
        $outcome = Lifecycle::$mailFailure ? (Lifecycle::$mailFailure)($params) : NULL;
        if ($outcome instanceof \Throwable) {
          throw $outcome;
        }
        if ($outcome === FALSE) {
          return [FALSE, NULL, NULL, NULL];
        }
        Lifecycle::$mails[] = $params;
        return [TRUE, 'subject', 'text', 'html'];
      }

    }

  }

  if (!class_exists('CRM_Utils_Date', FALSE)) {

    /**
     * customFormat() with the default dateformatDatetime ("%B %E%f, %Y %l:%M %P").
     */
    class CRM_Utils_Date {

      public static function customFormat($dateString, $format = NULL, $dateParts = NULL) {
        return date('F jS, Y g:i A', strtotime($dateString));
      }

    }

  }

}
