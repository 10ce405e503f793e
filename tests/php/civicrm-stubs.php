<?php
// Stand-ins for the parts of CiviCRM the subscribers and the overview page touch, with the same
// names and call shapes as core (facts from civicrm-core: Civi/Core/Service/AutoSubscriber.php,
// Civi/Core/Event/GenericHookEvent.php, Civi/Core/Event/PreEvent.php, Civi/Core/Event/PostEvent.php,
// CRM/Utils/Hook.php, CRM/Core/Permission.php, CRM/Core/Session.php, CRM/Core/Page.php,
// CRM/Utils/System.php, CRM/Contact/BAO/Contact/Permission.php, Civi/Core/CiviEventDispatcher.php,
// CRM/Core/BAO/Domain.php, CRM/Core/I18n.php, CRM/Utils/Time.php). Each one records what it was
// asked, so the cases can assert what was NOT done as well as what was.

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

    private array $orderBy = [];

    public function addWhere(string $field, string $op, $value = NULL): self {
      $this->where[] = func_num_args() > 2 ? [$field, $op, $value] : [$field, $op];
      return $this;
    }

    public function addOrderBy(string $field, string $direction = 'ASC'): self {
      $this->orderBy[$field] = $direction;
      return $this;
    }

    /**
     * As APIv4 answers (wire 14, 24, 36, 37, 39): every contact of World::$apiKeys, filtered by
     * the where clauses; trashed contacts only when a clause names id or is_deleted; and for a
     * caller checking permissions without "administer CiviCRM" or "edit api keys", api_key is
     * left out of the records and a clause on it is dropped without a word.
     */
    public function execute(): Result {
      World::$queries[] = ['checkPermissions' => $this->checkPermissions, 'select' => $this->select, 'where' => $this->where]
        + ($this->orderBy ? ['orderBy' => $this->orderBy] : []);
      if (World::$contactGetFailure) {
        throw World::$contactGetFailure;
      }
      $readsKeys = !$this->checkPermissions || array_intersect(['administer CiviCRM', 'edit api keys'], World::$permissions) !== [];
      $where = array_filter($this->where, fn(array $clause): bool => $readsKeys || $clause[0] !== 'api_key');
      $fields = array_column($where, 0);
      $withTrash = in_array('id', $fields, TRUE) || in_array('is_deleted', $fields, TRUE);
      $rows = [];
      foreach (World::$apiKeys as $id => $key) {
        $record = [
          'id' => $id,
          'display_name' => World::$displayNames[$id] ?? "Contact $id",
          'api_key' => $key,
          'is_deleted' => in_array($id, World::$trashed, TRUE),
        ];
        if ((!$withTrash && $record['is_deleted']) || !self::matches($record, $where)) {
          continue;
        }
        $select = $readsKeys ? $this->select : array_diff($this->select, ['api_key']);
        $rows[] = ['id' => $id] + array_intersect_key($record, array_flip($select));
      }
      foreach (array_reverse($this->orderBy, TRUE) as $field => $direction) {
        usort($rows, fn(array $a, array $b): int => ($direction === 'DESC' ? -1 : 1) * ($a[$field] <=> $b[$field]));
      }
      return new Result($rows);
    }

    private static function matches(array $record, array $where): bool {
      foreach ($where as $clause) {
        [$field, $op] = $clause;
        if (!array_key_exists($field, $record)) {
          throw new \LogicException("The stand-in cannot filter Contact on '$field'.");
        }
        $value = $record[$field];
        $ok = match ($op) {
          // Strings compare as strings ("1e3" is not "1000"), numbers and booleans loosely as SQL does.
          '=' => is_string($value) && is_string($clause[2]) ? $value === $clause[2] : $value == $clause[2],
          'IN' => in_array($value, $clause[2], is_string($value)),
          'IS NOT EMPTY' => $value !== NULL && $value !== '',
          'IS EMPTY' => $value === NULL || $value === '',
          default => throw new \LogicException("The stand-in does not know the operator '$op'."),
        };
        if (!$ok) {
          return FALSE;
        }
      }
      return TRUE;
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

    /** @var array<string, array> CRM.vars by namespace, as Civi::resources()->addVars() adds them */
    public static array $vars = [];

    public static array $translations = [];

    /** @var array[] Activity.get calls, with the parts of the query */
    public static array $activityQueries = [];

    /** @var array[] what Activity.get answers */
    public static array $activityRows = [];

    /** @var array[] activities created, with their values */
    public static array $activities = [];

    public static ?\Throwable $activityGetFailure = NULL;

    public static ?\Throwable $activityCreateFailure = NULL;

    /** @var ?\Throwable what Civi::settings()->set() throws (core's, for a setting its metadata lacks) */
    public static ?\Throwable $settingsSetFailure = NULL;

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

    /** @var int[] contacts in the trash (is_deleted) */
    public static array $trashed = [];

    /** @var array<int, string> display names of the contacts of $apiKeys ("Contact N" if not set) */
    public static array $displayNames = [];

    /** @var int[] contacts an ACL or a permissioned relationship lets the viewer edit */
    public static array $aclEditable = [];

    /** @var array[] [contact id, type] of every CRM_Contact_BAO_Contact_Permission::allow() call */
    public static array $accessChecks = [];

    public static ?\Throwable $accessCheckFailure = NULL;

    public static string $locale = 'en_US';

    /** @var string the site-local clock, Y-m-d H:i:s */
    public static string $now = '2026-12-01 08:30:00';

    /** @var int the contact of the domain's organization */
    public static int $domainContactId = 1;

    public static function reset(): void {
      self::$trashed = [];
      self::$displayNames = [];
      self::$aclEditable = [];
      self::$accessChecks = [];
      self::$accessCheckFailure = NULL;
      self::$locale = 'en_US';
      self::$now = '2026-12-01 08:30:00';
      self::$domainContactId = 1;
      self::$permissions = [];
      self::$loggedInContactId = NULL;
      self::$apiKeys = [];
      self::$queries = [];
      self::$permissionChecks = [];
      self::$loadedModules = [];
      self::$vars = [];
      self::$translations = [];
      self::$activityQueries = [];
      self::$activityRows = [];
      self::$activities = [];
      self::$activityGetFailure = NULL;
      self::$activityCreateFailure = NULL;
      self::$settingsSetFailure = NULL;
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
      if (World::$settingsSetFailure) {
        throw World::$settingsSetFailure;
      }
      World::$settings[$name] = $value;
      return $this;
    }

  }

  /**
   * Core's CiviEventDispatcher over Symfony's: listeners run by priority, highest first, and in
   * the order they were added within one priority. Subscribers are added when the container is
   * built; the listener that calls the old-style hook_* functions of extensions and the CMS
   * (delegateToUF) is added at DEFAULT_HOOK_PRIORITY (-100) on the first dispatch of each hook_*
   * event (bindPatterns()), so after any subscriber at -100.
   */
  class Dispatcher {

    public const DEFAULT_HOOK_PRIORITY = -100;

    /** @var array<string, list<array{int, callable}>> */
    private array $listeners = [];

    /** @var array<string, callable[]> hook name (without "hook_") => hook functions */
    private array $hookFunctions = [];

    private array $bound = [];

    public function addSubscriber(string $class): void {
      $subscriber = new $class();
      foreach ($class::getSubscribedEvents() as $event => $spec) {
        [$method, $priority] = is_string($spec) ? [$spec, 0] : [$spec[0], $spec[1] ?? 0];
        $this->listeners[$event][] = [$priority, [$subscriber, $method]];
      }
    }

    /**
     * An extension's function hook, e.g. myext_civicrm_pre($op, $objectName, $id, &$params).
     */
    public function addHookFunction(string $hook, callable $function): void {
      $this->hookFunctions[$hook][] = $function;
    }

    public function dispatch(string $eventName, $event): void {
      if (!isset($this->bound[$eventName])) {
        $this->bound[$eventName] = TRUE;
        $this->listeners[$eventName][] = [self::DEFAULT_HOOK_PRIORITY, function ($event) use ($eventName): void {
          foreach ($this->hookFunctions[substr($eventName, 5)] ?? [] as $function) {
            if ($event instanceof \Civi\Core\Event\PreEvent) {
              $function($event->action, $event->entity, $event->id, $event->params);
            }
            elseif ($event instanceof \Civi\Core\Event\PostEvent) {
              $function($event->action, $event->entity, $event->id, $event->object);
            }
          }
        }];
      }
      $listeners = $this->listeners[$eventName];
      // Stable: equal priorities keep the order they were added in, as in Symfony's dispatcher.
      $order = array_keys($listeners);
      usort($order, fn(int $a, int $b): int => [$listeners[$b][0], $a] <=> [$listeners[$a][0], $b]);
      foreach ($order as $index) {
        ($listeners[$index][1])($event);
      }
    }

  }

  /** Core's resources: addVars() merges into CRM.vars.<namespace> (CollectionAdderTrait::addVars). */
  class Resources {

    public function addVars(string $nameSpace, array $vars): self {
      World::$vars[$nameSpace] = array_replace_recursive(World::$vars[$nameSpace] ?? [], $vars);
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
  use ApiKeyTabTests\Resources;
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

    public static function resources(): Resources {
      return new Resources();
    }

  }

  class CRM_Core_Permission {

    public const EDIT = 1;

    public const VIEW = 2;

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

    /**
     * An absolute URL as core's url($path, $query, TRUE, NULL, FALSE) gives one on Standalone.
     */
    public static function url($path = NULL, $query = NULL, $absolute = FALSE, $fragment = NULL, $htmlize = TRUE) {
      $query = is_array($query) ? http_build_query($query) : (string) $query;
      $url = ($absolute ? 'https://example.org' : '') . '/' . $path . ($query === '' ? '' : '?' . $query);
      return $htmlize ? htmlspecialchars($url) : $url;
    }

  }

  /**
   * Core's allow(): the viewer's own contact with "edit my contact" ("view my contact" to view), a
   * trashed contact with "access deleted contacts", "edit all contacts" (or "view all contacts"
   * to view), else a permissioned relationship or an ACL (World::$aclEditable). This is the check
   * an APIv4 update makes before it writes any field of a contact (wire 38: the generic 403).
   */
  class CRM_Contact_BAO_Contact_Permission {

    public static function allow($id, $type = CRM_Core_Permission::VIEW, $userID = NULL): bool {
      World::$accessChecks[] = [$id, $type];
      if (World::$accessCheckFailure) {
        throw World::$accessCheckFailure;
      }
      $userID ??= World::$loggedInContactId;
      $has = fn(string $permission): bool => in_array($permission, World::$permissions, TRUE);
      if ($userID !== NULL && (int) $userID === (int) $id
        && (($type === CRM_Core_Permission::VIEW && $has('view my contact')) || ($type === CRM_Core_Permission::EDIT && $has('edit my contact')))) {
        return TRUE;
      }
      if ($has('access deleted contacts') && in_array((int) $id, World::$trashed, TRUE)) {
        return TRUE;
      }
      if ($has('edit all contacts') || ($type === CRM_Core_Permission::VIEW && $has('view all contacts'))) {
        return TRUE;
      }
      return in_array((int) $id, World::$aclEditable, TRUE);
    }

  }

  class CRM_Core_BAO_Domain {

    public static function getDomain() {
      return (object) ['id' => 1, 'contact_id' => World::$domainContactId];
    }

    /**
     * The site's default From address, formatted (core throws when the site has none).
     */
    public static function getFromEmail(): string {
      return '"Example Org" <info@example.org>';
    }

  }

  class CRM_Core_I18n {

    public static function getLocale() {
      return World::$locale;
    }

  }

  /**
   * Core's clock: getTimeRaw() is the timestamp of the site-local now World::$now, read in the
   * site's time zone (PHP's when the first case asked), so that, as in core, the timestamp does not
   * move when PHP's time zone is switched later (authx's login() sets the user's).
   */
  class CRM_Utils_Time {

    private static ?\DateTimeZone $siteZone = NULL;

    public static function getTimeRaw() {
      self::$siteZone ??= new \DateTimeZone(date_default_timezone_get());
      return (new \DateTimeImmutable(World::$now, self::$siteZone))->getTimestamp();
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

  /**
   * Like core's ts() without a translation: %1, %2... replaced by the numbered params.
   */
  function ts($text, $params = []) {
    World::$translations[] = [$text, $params];
    $numbered = [];
    foreach ($params as $key => $value) {
      if (is_int($key)) {
        $numbered["%$key"] = (string) $value;
      }
    }
    krsort($numbered, SORT_NATURAL);
    return strtr($text, $numbered);
  }

}
