<?php

namespace Civi\ApiKeyTab\Lifecycle;

/**
 * What may be logged of an error around a key: a database error's message may quote the statement,
 * and with it the key or its fingerprint. Both are cut out (as written, and as SQL-escaped).
 */
class Redact {

  /**
   * @param ?string ...$keys every key the failed statement may have seen (a change: before and after)
   */
  public static function cause(\Throwable $e, ?string ...$keys): string {
    $cause = get_class($e) . ': ' . $e->getMessage();
    $secrets = [];
    foreach ($keys as $key) {
      if ($key === NULL || $key === '') {
        continue;
      }
      $normal = KeyRecords::normalise($key);
      array_push($secrets, $key, $normal, addslashes($key), addslashes($normal), KeyRecords::fingerprint($key));
    }
    $secrets = array_unique(array_filter($secrets, 'strlen'));
    if ($secrets === []) {
      return $cause;
    }
    // Longest first, so that a key inside its escaped form leaves no part behind. Case-blind: the
    // database matches a key sent in other letter case (KeyRecords::forCredential()).
    usort($secrets, fn(string $a, string $b): int => strlen($b) <=> strlen($a));
    return str_ireplace($secrets, '[redacted]', $cause);
  }

}
