<?php
// The PHP doubles of APIv4 Contact.get (tests/php/civicrm-stubs.php) replay real captures
// (../shared/civicrm/wire/): the same params, as the same kind of viewer, give the same records.

use ApiKeyTabTests\World;
use Civi\Api4\Contact;

require __DIR__ . '/harness.php';

const WIRE = ROOT . '/../shared/civicrm/wire';

/**
 * The APIv4 params a capture sent and the values it received.
 *
 * @return array{0: array, 1: array}
 */
function capture(string $prefix): array {
  $files = glob(WIRE . "/$prefix-*.txt");
  same(1, count($files), "captures named $prefix-*");
  $text = file_get_contents($files[0]);
  expect(preg_match('/^params=(\S+)$/m', $text, $params) === 1, "$prefix: no params in the request");
  [, $response] = explode('===== RAW RESPONSE', $text, 2);
  expect(preg_match('/^\{.*\}$/m', $response, $body) === 1, "$prefix: no JSON body in the response");
  return [json_decode(urldecode($params[1]), TRUE, 512, JSON_THROW_ON_ERROR), json_decode($body[0], TRUE, 512, JSON_THROW_ON_ERROR)['values']];
}

/**
 * Runs the params through the double, with permission checks as over AJAX.
 */
function replay(array $params): array {
  $get = Contact::get(TRUE)->addSelect(...$params['select']);
  foreach ($params['where'] ?? [] as $clause) {
    $get->addWhere(...$clause);
  }
  foreach ($params['orderBy'] ?? [] as $field => $direction) {
    $get->addOrderBy($field, $direction);
  }
  return $get->execute()->getArrayCopy();
}

/**
 * The site of wire 35-39: Jane (3) and Kim (5) hold keys, the trash probe (48) too, in the trash.
 */
function keyHolders(array $permissions): void {
  given($permissions, 2, [2 => NULL, 3 => 'VmfmzWeiKWAvyI5t5xDseR0EYqCDNCMt', 4 => NULL, 5 => 'Kq2PzR8tW4vN6xB1mC9yL3hJ7fD5sA0e', 48 => 'Tr4shPr0beKeyTr4shPr0beKeyTr4sh0']);
  World::$displayNames = [2 => 'Standalone Admin', 3 => 'Jane Doe', 4 => 'Sam Staffer', 5 => 'Kim Selfkey', 48 => 'Trash Probe'];
  World::$trashed = [48];
}

$cases = [
  'wire 36: key holders without naming is_deleted leave the trashed contact out' => function (): void {
    [$params, $values] = capture('36');
    keyHolders(['administer CiviCRM']);
    same($values, replay($params), 'records');
  },

  'wire 37: with is_deleted IN [false, true] the trashed contact is listed' => function (): void {
    [$params, $values] = capture('37');
    keyHolders(['administer CiviCRM']);
    same($values, replay($params), 'records');
  },

  'wire 39: "edit api keys" without edit access reads the key by id' => function (): void {
    [$params, $values] = capture('39');
    keyHolders(['access CiviCRM', 'edit api keys']);
    same($values, replay($params), 'records');
  },

  'wire 14: without key permissions api_key is absent from every record, no error' => function (): void {
    [$params, $values] = capture('14');
    keyHolders(['access CiviCRM', 'view all contacts', 'edit all contacts']);
    World::$apiKeys[2] = 'Ab3xQ9rT7mK2pL8vN4wZ6yH1jF5dS0cX';
    same($values, replay($params), 'records');
  },

  'a where on api_key from a viewer who may not read keys is dropped without a word' => function (): void {
    keyHolders(['access CiviCRM', 'view all contacts']);
    $rows = replay(['select' => ['id', 'api_key'], 'where' => [['api_key', '=', 'VmfmzWeiKWAvyI5t5xDseR0EYqCDNCMt']]]);
    same([['id' => 2], ['id' => 3], ['id' => 4], ['id' => 5]], $rows, 'records: everyone not in the trash, without keys');
  },
];

report($cases);
