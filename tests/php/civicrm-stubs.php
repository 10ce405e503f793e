<?php
// Stand-ins for the parts of CiviCRM the subscribers and the overview page touch, with the same
// names and call shapes as core (facts from civicrm-core: Civi/Core/Service/AutoSubscriber.php,
// Civi/Core/Event/GenericHookEvent.php, Civi/Core/Event/PreEvent.php, Civi/Core/Event/PostEvent.php,
// CRM/Utils/Hook.php, CRM/Core/Permission.php, CRM/Core/Session.php, CRM/Core/Page.php,
// CRM/Utils/System.php). Each one records what it was asked, so the cases can assert what was NOT
// done as well as what was.

namespace Symfony\Component\EventDispatcher {

  interface EventSubscriberInterface {

    public static function getSubscribedEvents();

  }

}

namespace Civi\Core\Service {

  use Symfony\Component\EventDispatcher\EventSubscriberInterface;

  abstract class AutoSubscriber implements EventSubscriberInterface {
  }

}

namespace Civi\Core\Event {

  /**
   * Like core's: hook parameters become properties, and __get returns by reference so that a
   * listener's changes to `tabs` reach the array the hook's caller passed in. Core answers NULL
   * for a parameter the hook lacks; this one throws, so a misspelt name fails a case.
   */
  class GenericHookEvent {

    private array $values = [];

    public static function create(array $params): self {
      $event = new self();
      $event->values = $params;
      return $event;
    }

    public function &__get(string $name) {
      if (!array_key_exists($name, $this->values)) {
        throw new \LogicException("The hook has no parameter '$name'.");
      }
      return $this->values[$name];
    }

  }

  /**
   * What CRM_Utils_Hook::pre() dispatches as hook_civicrm_pre: the hook's ($op, $objectName, $id,
   * &$params) as the properties action, entity, id and params (by reference).
   */
  class PreEvent {

    public $params;

    public function __construct(public $action, public $entity, public $id, &$params) {
      $this->params = &$params;
    }

  }

  /**
   * What CRM_Utils_Hook::post() dispatches as hook_civicrm_post: ($op, $objectName, $objectId,
   * &$objectRef) as action, entity, id and object.
   */
  class PostEvent {

    public $object;

    public function __construct(public $action, public $entity, public $id, &$object) {
      $this->object = &$object;
    }

  }

}

namespace Civi\Api4 {

  use ApiKeyTabTests\World;

  class Contact {

    public static function get(bool $checkPermissions = TRUE): ContactGet {
      return new ContactGet($checkPermissions);
    }

    public static function update(bool $checkPermissions = TRUE): ContactUpdate {
      return new ContactUpdate($checkPermissions);
    }

  }

  /**
   * Records each update; an api_key among the values changes World::$apiKeys, the way the column
   * would. World::$duringContactUpdate runs first (it may throw, as a failing write or hook would).
   */
  class ContactUpdate {

    private array $where = [];

    private array $values = [];

    public function __construct(private bool $checkPermissions) {
    }

    public function addWhere(string $field, string $op, $value): self {
      $this->where[] = [$field, $op, $value];
      return $this;
    }

    public function addValue(string $field, $value): self {
      $this->values[$field] = $value;
      return $this;
    }

    public function execute(): Result {
      $call = ['checkPermissions' => $this->checkPermissions, 'where' => $this->where, 'values' => $this->values];
      if (World::$duringContactUpdate) {
        (World::$duringContactUpdate)($call);
      }
      World::$contactUpdates[] = $call;
      $rows = [];
      foreach (array_keys(World::$apiKeys) as $id) {
        if ($this->where === [['id', '=', $id]]) {
          if (array_key_exists('api_key', $this->values)) {
            World::$apiKeys[$id] = $this->values['api_key'] === '' ? NULL : $this->values['api_key'];
          }
          $rows[] = ['id' => $id] + $this->values;
        }
      }
      return new Result($rows);
    }

  }

  class ContactGet {

    private array $select = [];

    private array $where = [];

    public function __construct(private bool $checkPermissions) {
    }

    public function addSelect(string ...$fields): self {
      array_push($this->select, ...$fields);
      return $this;
    }

    public function addWhere(string $field, string $op, $value): self {
      $this->where[] = [$field, $op, $value];
      return $this;
    }

    public function execute(): Result {
      World::$queries[] = ['checkPermissions' => $this->checkPermissions, 'select' => $this->select, 'where' => $this->where];
      if (World::$contactGetFailure) {
        throw World::$contactGetFailure;
      }
      $rows = [];
      foreach (World::$apiKeys as $id => $key) {
        if ($this->where === [['id', '=', $id]]) {
          $rows[] = ['id' => $id] + array_intersect_key(['api_key' => $key], array_flip($this->select));
        }
      }
      return new Result($rows);
    }

  }

  class Activity {

    public static function get(bool $checkPermissions = TRUE): ActivityGet {
      return new ActivityGet($checkPermissions);
    }

    public static function create(bool $checkPermissions = TRUE): ActivityCreate {
      return new ActivityCreate($checkPermissions);
    }

  }

  /**
   * Records the query and answers with the rows the case prepared: ordering, joins and limits are
   * CiviCRM's business; the cases check that the query asks for them.
   */
  class ActivityGet {

    private array $query = ['select' => [], 'join' => [], 'where' => [], 'orderBy' => [], 'limit' => NULL];

    public function __construct(private bool $checkPermissions) {
    }

    public function addSelect(string ...$fields): self {
      array_push($this->query['select'], ...$fields);
      return $this;
    }

    public function addJoin(string $entity, string $side, ...$conditions): self {
      $this->query['join'][] = [$entity, $side, ...$conditions];
      return $this;
    }

    public function addWhere(string $field, string $op, $value): self {
      $this->query['where'][] = [$field, $op, $value];
      return $this;
    }

    public function addOrderBy(string $field, string $direction = 'ASC'): self {
      $this->query['orderBy'][$field] = $direction;
      return $this;
    }

    public function setLimit(int $limit): self {
      $this->query['limit'] = $limit;
      return $this;
    }

    public function execute(): Result {
      World::$activityQueries[] = ['checkPermissions' => $this->checkPermissions] + $this->query;
      if (World::$activityGetFailure) {
        throw World::$activityGetFailure;
      }
      return new Result(World::$activityRows);
    }

  }

  class ActivityCreate {

    private array $values = [];

    public function __construct(private bool $checkPermissions) {
    }

    public function addValue(string $field, $value): self {
      $this->values[$field] = $value;
      return $this;
    }

    public function execute(): Result {
      if (World::$activityCreateFailure) {
        throw World::$activityCreateFailure;
      }
      if (World::$duringActivityCreate) {
        (World::$duringActivityCreate)();
      }
      World::$activities[] = ['checkPermissions' => $this->checkPermissions, 'values' => $this->values];
      return new Result([$this->values]);
    }

  }

  class Result extends \ArrayObject {

    public function first(): ?array {
      return $this->getArrayCopy()[0] ?? NULL;
    }

  }

}

namespace ApiKeyTabTests {

  /**
   * What the site looks like for one case, and what the code under test asked of it.
   */
  class World {

    /** @var string[] permissions the viewer holds */
    public static array $permissions = [];

    /** @var mixed the logged-in contact id, as the session holds it */
    public static $loggedInContactId = NULL;

    /** @var array<int, ?string> contact id => api_key, for contacts that exist */
    public static array $apiKeys = [];

    public static array $queries = [];

    public static array $permissionChecks = [];

    public static array $loadedModules = [];

    public static array $translations = [];

    /** @var array[] Activity.get calls, with the parts of the query */
    public static array $activityQueries = [];

    /** @var array[] what Activity.get answers */
    public static array $activityRows = [];

    /** @var array[] activities created, with their values */
    public static array $activities = [];

    public static ?\Throwable $activityGetFailure = NULL;

    public static ?\Throwable $activityCreateFailure = NULL;

    public static ?\Throwable $contactGetFailure = NULL;

    /** @var ?callable runs inside Activity.create, as other listeners of the activity's hooks would */
    public static $duringActivityCreate = NULL;

    /** @var array[] Contact.update calls: checkPermissions, where, values */
    public static array $contactUpdates = [];

    /** @var ?callable runs inside Contact.update with the call, before it takes effect */
    public static $duringContactUpdate = NULL;

    /** @var array<string, mixed> settings as Civi::settings() holds them */
    public static array $settings = [];

    /** @var array<string, object> services beyond angularjs.loader, by id */
    public static array $services = [];

    /** @var array[] [level, message, context] of every log call */
    public static array $log = [];

    /** @var string[] page titles set through CRM_Utils_System::setTitle() */
    public static array $titles = [];

    /** @var array<string, mixed> what pages assigned to their template */
    public static array $assigned = [];

    /** @var string[] templates pages rendered */
    public static array $renderedTemplates = [];

    /** @var array<string, mixed> what CRM_Core_Session::singleton()->get() answers (authx puts 'authx' there) */
    public static array $session = [];

    /** @var ?string what CRM_Utils_System::ipAddress() answers */
    public static ?string $ipAddress = NULL;

    public static function reset(): void {
      self::$permissions = [];
      self::$loggedInContactId = NULL;
      self::$apiKeys = [];
      self::$queries = [];
      self::$permissionChecks = [];
      self::$loadedModules = [];
      self::$translations = [];
      self::$activityQueries = [];
      self::$activityRows = [];
      self::$activities = [];
      self::$activityGetFailure = NULL;
      self::$activityCreateFailure = NULL;
      self::$contactGetFailure = NULL;
      self::$duringActivityCreate = NULL;
      self::$log = [];
      self::$contactUpdates = [];
      self::$duringContactUpdate = NULL;
      self::$settings = [];
      self::$services = [];
      self::$titles = [];
      self::$assigned = [];
      self::$renderedTemplates = [];
      self::$session = [];
      self::$ipAddress = NULL;
    }

  }

  /**
   * The PSR-3 logger Civi::log() returns, reduced to what is called.
   */
  class Logger {

    public function __call(string $level, array $arguments): void {
      World::$log[] = [$level, ...$arguments];
    }

  }

  /**
   * Civi::settings(): get() answers NULL for a setting nobody set (core answers its default, which
   * the cases set in World::$settings when they rely on it).
   */
  class SettingsBag {

    public function get(string $name) {
      return World::$settings[$name] ?? NULL;
    }

    public function set(string $name, $value): self {
      World::$settings[$name] = $value;
      return $this;
    }

  }

  class AngularLoader {

    public function addModules($modules): self {
      array_push(World::$loadedModules, ...(array) $modules);
      return $this;
    }

  }

}

namespace {

  use ApiKeyTabTests\AngularLoader;
  use ApiKeyTabTests\Logger;
  use ApiKeyTabTests\SettingsBag;
  use ApiKeyTabTests\World;

  class Civi {

    public static function log(): Logger {
      return new Logger();
    }

    public static function service(string $id) {
      if (isset(World::$services[$id])) {
        return World::$services[$id];
      }
      if ($id !== 'angularjs.loader') {
        throw new \LogicException("No stand-in for service '$id'.");
      }
      return new AngularLoader();
    }

    public static function settings(): SettingsBag {
      return new SettingsBag();
    }

  }

  class CRM_Core_Permission {

    /**
     * Core also takes arrays (AND, with nested arrays for OR); the subscriber passes single names,
     * and anything else is refused here so a change of call shape cannot pass unnoticed.
     */
    public static function check($permissions, $contactId = NULL): bool {
      if (!is_string($permissions) || $contactId !== NULL) {
        throw new \LogicException('The stand-in only answers for the logged-in user and one permission name.');
      }
      World::$permissionChecks[] = $permissions;
      return in_array($permissions, World::$permissions, TRUE);
    }

  }

  /**
   * Core's base page: run() renders the template named after the page class (CRM_Foo_Page_Bar
   * renders CRM/Foo/Page/Bar.tpl) with what the page assigned.
   */
  class CRM_Core_Page {

    public function __construct($title = NULL, $mode = NULL) {
    }

    public function assign($name, $value = NULL): void {
      World::$assigned[$name] = $value;
    }

    public function getTemplateFileName() {
      return str_replace('_', '/', static::class) . '.tpl';
    }

    public function run() {
      World::$renderedTemplates[] = $this->getTemplateFileName();
    }

  }

  class CRM_Utils_System {

    public static function setTitle($title, $pageTitle = NULL): void {
      World::$titles[] = $title;
    }

    public static function ipAddress($strictIPV4 = TRUE) {
      return World::$ipAddress;
    }

  }

  class CRM_Core_Session {

    public static function getLoggedInContactID() {
      return World::$loggedInContactId;
    }

    public static function singleton(): self {
      return new self();
    }

    public function get($name, $prefix = NULL) {
      return World::$session[$name] ?? NULL;
    }

  }

  function ts($text, $params = []) {
    World::$translations[] = [$text, $params];
    return $text;
  }

}
