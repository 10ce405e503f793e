<?php
// The key table: its entity declaration, the SQL that creates it, the upgrader (install, the
// upgrade from 1.0.0, uninstall), detailed logging, the APIv4 entity's permissions.

namespace Civi\Api4\Generic {

  /**
   * Core's base of DAO-backed APIv4 entities, reduced to what ApiKeyRecord uses here.
   */
  abstract class DAOEntity {

    public static function getEntityName(): string {
      return substr(static::class, strrpos(static::class, '\\') + 1);
    }

  }

}

namespace {

  use ApiKeyTabTests\Database;
  use ApiKeyTabTests\World;
  use Civi\Api4\ApiKeyRecord;
  use Civi\ApiKeyTab\Lifecycle\KeyRecordLogging;
  use Civi\ApiKeyTab\Lifecycle\KeyRecords;
  use Civi\ApiKeyTab\Lifecycle\TabFacts;
  use Civi\ApiKeyTab\Lifecycle\TrackingStart;
  use Civi\Core\Event\GenericHookEvent;
  use Civi\Core\Service\AutoSubscriber;

  require __DIR__ . '/lifecycle-support.php';

  abstract class CRM_Core_DAO_Base extends CRM_Core_DAO {
  }

  /**
   * Core's CRM_Core_BAO_SchemaHandler::getInUseCollation(): the collation of the site's tables
   * (civicrm_contact), which Civi\Schema\SqlGenerator gives new tables.
   */
  class CRM_Core_BAO_SchemaHandler {

    public static string $collation = 'utf8mb4_unicode_ci';

    public static function getInUseCollation(): string {
      return self::$collation;
    }

  }

  function entity(): array {
    return include ROOT . '/schema/ApiKeyRecord.entityType.php';
  }

  /**
   * The columns of KeyRecords::createSql(): name => [type, NOT NULL].
   */
  function sqlColumns(): array {
    preg_match_all('/^\s*`(\w+)` ([a-z]+(?: unsigned|\(\d+\))?) (NOT NULL|NULL)/m', KeyRecords::createSql(), $m, PREG_SET_ORDER);
    $columns = [];
    foreach ($m as [, $name, $type, $null]) {
      $columns[$name] = [$type, $null === 'NOT NULL'];
    }
    return $columns;
  }

  $cases = [
    'schema/ApiKeyRecord.entityType.php: entity ApiKeyRecord on civicrm_apikeytab_key, its DAO class, left out of logging' => function (): void {
      $entity = entity();
      same(['ApiKeyRecord', 'civicrm_apikeytab_key', 'CRM_ApiKeyTab_DAO_ApiKeyRecord'], [$entity['name'], $entity['table'], $entity['class']], 'name, table, class');
      same(FALSE, $entity['getInfo']()['log'], "getInfo()['log']");
      same(['id', 'contact_id', 'key_fingerprint', 'set_date', 'set_by', 'last_used_date', 'last_used_ip', 'expires_date', 'reminder_sent_date'], array_keys($entity['getFields']()), 'fields (design-1.1.md)');
      expect(is_subclass_of('CRM_ApiKeyTab_DAO_ApiKeyRecord', 'CRM_Core_DAO_Base'), 'the DAO reads the entity repository (CRM_Core_DAO_Base, 5.74+)');
      // civimix-schema's DAO and core's CRM_Core_DAO_Base find the file from the class: 4 folders up.
      expect(is_file(dirname((new ReflectionClass('CRM_ApiKeyTab_DAO_ApiKeyRecord'))->getFileName(), 4) . '/schema/ApiKeyRecord.entityType.php'), 'schema file where the DAO looks');
    },

    'the SQL creates exactly the declared columns, types and nullability' => function (): void {
      $declared = [];
      foreach (entity()['getFields']() as $name => $field) {
        $declared[$name] = [$field['sql_type'], !empty($field['required'])];
      }
      same($declared, sqlColumns(), 'columns of CREATE TABLE');
      expect((int) substr(sqlColumns()['last_used_ip'][0], 8, -1) >= 45, 'room for the longest IPv6 text (45 characters)');
    },

    'the SQL has the unique contact_id, the fingerprint index and both foreign keys as declared' => function (): void {
      $sql = KeyRecords::createSql();
      expect(str_starts_with($sql, 'CREATE TABLE IF NOT EXISTS `civicrm_apikeytab_key`'), 'CREATE TABLE IF NOT EXISTS');
      $indices = entity()['getIndices']();
      same(['UI_contact_id' => ['contact_id'], 'index_key_fingerprint' => ['key_fingerprint']], array_map(fn($i) => array_keys($i['fields']), $indices), 'declared indices');
      expect(str_contains($sql, 'UNIQUE INDEX `UI_contact_id` (`contact_id`)') && !empty($indices['UI_contact_id']['unique']), 'one row per contact');
      expect(str_contains($sql, 'INDEX `index_key_fingerprint` (`key_fingerprint`)') && empty($indices['index_key_fingerprint']['unique']), 'fingerprint indexed (two contacts may share a key)');
      $fields = entity()['getFields']();
      foreach (['contact_id' => 'CASCADE', 'set_by' => 'SET NULL'] as $column => $onDelete) {
        same(['entity' => 'Contact', 'key' => 'id', 'on_delete' => $onDelete], $fields[$column]['entity_reference'], "declared reference of $column");
        expect(str_contains($sql, "FOREIGN KEY (`$column`) REFERENCES `civicrm_contact` (`id`) ON DELETE $onDelete"), "SQL foreign key of $column");
      }
    },

    'the table takes the character set and collation the site already uses, as core\'s SqlGenerator does (utf8 on sites from before 5.33)' => function (): void {
      foreach (['utf8mb4_unicode_ci' => 'utf8mb4', 'utf8_unicode_ci' => 'utf8', 'utf8mb4_0900_ai_ci' => 'utf8mb4'] as $collation => $characterSet) {
        CRM_Core_BAO_SchemaHandler::$collation = $collation;
        expect(str_ends_with(KeyRecords::createSql(), ") ENGINE=InnoDB DEFAULT CHARACTER SET $characterSet COLLATE $collation ROW_FORMAT=DYNAMIC"), "table options for $collation");
      }
      CRM_Core_BAO_SchemaHandler::$collation = "utf8mb4_unicode_ci; DROP TABLE civicrm_contact";
      expect(str_ends_with(KeyRecords::createSql(), 'COLLATE utf8mb4_unicode_ci ROW_FORMAT=DYNAMIC'), 'anything but a collation name falls back to the default');
      CRM_Core_BAO_SchemaHandler::$collation = 'utf8mb4_unicode_ci';
    },

    'the foreign keys hold: deleting a contact removes its row, deleting who set it empties set_by' => function (): void {
      site([ALICE => ALICE_KEY, BOB => NULL]);
      recorded(ALICE, ALICE_KEY, ['set_date' => NOW, 'set_by' => BOB]);
      Database::pdo()->exec('DELETE FROM civicrm_contact WHERE id = ' . BOB);
      same(NULL, rowOf(ALICE)['set_by'], 'set_by after its contact was deleted');
      Database::pdo()->exec('DELETE FROM civicrm_contact WHERE id = ' . ALICE);
      same(NULL, rowOf(ALICE), 'row after its contact was deleted');
    },

    'info.xml names CRM_ApiKeyTab_Upgrader, a CRM_Extension_Upgrader_Base with the one revision 1100' => function (): void {
      same('CRM_ApiKeyTab_Upgrader', (string) simplexml_load_file(ROOT . '/info.xml')->upgrader, '<upgrader>');
      expect(is_subclass_of('CRM_ApiKeyTab_Upgrader', 'CRM_Extension_Upgrader_Base'), 'extends CRM_Extension_Upgrader_Base');
      $revisions = array_values(array_filter(array_map(fn($m) => $m->name, (new ReflectionClass('CRM_ApiKeyTab_Upgrader'))->getMethods()), fn($n) => str_starts_with($n, 'upgrade_')));
      same(['upgrade_1100'], $revisions, 'revisions');
    },

    'install creates the table; after install, the date recording began is kept' => function (): void {
      site([ALICE => ALICE_KEY], FALSE);
      $upgrader = new CRM_ApiKeyTab_Upgrader();
      $upgrader->install();
      expect(Database::hasTable('civicrm_apikeytab_key'), 'table created');
      $upgrader->postInstall();
      same(NOW, TrackingStart::get(), 'recording began');
    },

    'upgrade from 1.0.0: upgrade_1100 creates the table; run again, it changes nothing' => function (): void {
      site([ALICE => ALICE_KEY], FALSE);
      $upgrader = new CRM_ApiKeyTab_Upgrader();
      same(TRUE, $upgrader->upgrade_1100(), 'first run');
      expect(Database::hasTable('civicrm_apikeytab_key'), 'table created');
      same(NOW, TrackingStart::get(), 'recording began');
      // The key from 1.0.0 has no row: the tab says "No use recorded since" that date.
      same([], Database::rows('SELECT * FROM civicrm_apikeytab_key'), 'no rows');
      request(ALICE_KEY, accepted(ALICE));
      World::$now = '2026-12-02 09:00:00';
      same(TRUE, $upgrader->upgrade_1100(), 'second run');
      same(NOW, rowOf(ALICE)['last_used_date'], 'the row recorded since is kept');
      same(NOW, TrackingStart::get(), 'recording began on the first run');
      expect(str_contains(Database::$statements[count(Database::$statements) - 1][0], 'CREATE TABLE IF NOT EXISTS'), 'only IF NOT EXISTS');
    },

    'upgrade from 1.0.0 that cannot save the date (stale settings metadata): the table is made, and the first read saves it, so an old key reads "No use recorded since", never "Never used"' => function (): void {
      site([ALICE => ALICE_KEY], FALSE);
      World::$settingsSetFailure = new RuntimeException('Unknown setting apikeytab_usage_since');
      same(TRUE, (new CRM_ApiKeyTab_Upgrader())->upgrade_1100(), 'the upgrade still succeeds');
      expect(Database::hasTable('civicrm_apikeytab_key'), 'table created');
      same(NULL, TrackingStart::get(), 'no date saved');
      same(1, count(array_filter(World::$log, fn($entry) => $entry[0] === 'warning')), 'a warning');
      // A page view while the setting still cannot be written: no date, tried again next time.
      same(NULL, TabFacts::forContact(ALICE, ALICE_KEY, TRUE)['usage_since'], 'usage_since while it cannot be saved');
      // After the caches are rebuilt, the first read saves the date.
      World::$settingsSetFailure = NULL;
      World::$now = '2026-12-02 09:00:00';
      $facts = TabFacts::forContact(ALICE, ALICE_KEY, TRUE);
      same([NULL, '2026-12-02 09:00:00'], [$facts['last_used'], $facts['usage_since']], 'last_used, usage_since');
      same('2026-12-02 09:00:00', TrackingStart::get(), 'saved');
      World::$now = '2026-12-03 09:00:00';
      same('2026-12-02 09:00:00', TabFacts::forContact(ALICE, ALICE_KEY, TRUE)['usage_since'], 'kept on later reads');
    },

    'uninstall drops the table' => function (): void {
      site([ALICE => ALICE_KEY]);
      recorded(ALICE, ALICE_KEY, ['set_date' => NOW]);
      (new CRM_ApiKeyTab_Upgrader())->uninstall();
      expect(!Database::hasTable('civicrm_apikeytab_key'), 'table dropped');
      same(['civicrm_contact'], array_column(Database::rows("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"), 'name'), 'nothing else dropped');
    },

    'detailed logging leaves the table out (hook_civicrm_alterLogTables), and only it' => function (): void {
      expect(is_subclass_of(KeyRecordLogging::class, AutoSubscriber::class), 'an AutoSubscriber');
      same(['hook_civicrm_alterLogTables' => 'onAlterLogTables'], KeyRecordLogging::getSubscribedEvents(), 'subscribed events');
      $spec = ['civicrm_contact' => ['engine' => 'InnoDB'], 'civicrm_apikeytab_key' => ['engine' => 'InnoDB'], 'civicrm_email' => []];
      $event = GenericHookEvent::create(['logTableSpec' => $spec]);
      (new KeyRecordLogging())->onAlterLogTables($event);
      same(['civicrm_contact' => ['engine' => 'InnoDB'], 'civicrm_email' => []], $event->logTableSpec, 'tables logged');
    },

    'APIv4 ApiKeyRecord: a DAOEntity read with "administer CiviCRM" or "edit api keys", written directly by administrators only; setExpiry also "edit own api keys"' => function (): void {
      expect(is_subclass_of(ApiKeyRecord::class, \Civi\Api4\Generic\DAOEntity::class), 'a DAOEntity');
      $permissions = ApiKeyRecord::permissions();
      // What an action needs, resolved as core's Generic\AbstractAction::getPermissions() does.
      $needs = function (string $action) use ($permissions) {
        $permissions += ['meta' => ['access CiviCRM'], 'default' => ['administer CiviCRM']];
        $generic = ['getActions' => 'meta', 'getFields' => 'meta', 'replace' => 'delete', 'save' => 'create'][$action] ?? 'default';
        return $permissions[$action] ?? $permissions[$generic] ?? $permissions['default'];
      };
      same([['administer CiviCRM', 'edit api keys']], $needs('get'), 'get');
      foreach (['create', 'update', 'save', 'delete', 'replace'] as $action) {
        // A key reader must not lift an expiry past the maximum, nor forge a last use, by hand.
        same(['administer CiviCRM'], $needs($action), $action);
      }
      same([['administer CiviCRM', 'edit api keys', 'edit own api keys']], $needs('setExpiry'), 'setExpiry');
      same([['administer CiviCRM', 'edit api keys']], $needs('expire'), 'expire');
      expect(!in_array('edit own api keys', array_merge(...array_map(fn($p) => is_array($p) ? $p : [$p], array_merge(...array_values(array_diff_key($permissions, ['setExpiry' => 1, 'meta' => 1]))))), TRUE), 'no other action open to self-service');
      foreach (['setExpiry', 'expire'] as $action) {
        expect(method_exists(ApiKeyRecord::class, $action), "declares $action");
      }
    },

    'the date recording began is a declared setting, hidden from the settings form' => function (): void {
      $settings = include ROOT . '/settings/apikeytab-usage.setting.php';
      same([TrackingStart::SETTING], array_keys($settings), 'settings');
      same([], $settings[TrackingStart::SETTING]['settings_pages'], 'settings_pages (empty: hidden from setting-admin)');
      same('String', $settings[TrackingStart::SETTING]['type'], 'type');
    },
  ];

  report($cases);

}
