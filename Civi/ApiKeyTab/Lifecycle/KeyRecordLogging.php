<?php

namespace Civi\ApiKeyTab\Lifecycle;

use Civi\Core\Event\GenericHookEvent;
use Civi\Core\Service\AutoSubscriber;

/**
 * Keeps the key table out of detailed logging, which otherwise puts triggers on every civicrm_%
 * table: each recorded use would add a row to a log table that nobody reads, forever.
 * (The entity's 'log' => FALSE says the same to the code that asks the DAO.)
 */
class KeyRecordLogging extends AutoSubscriber {

  public static function getSubscribedEvents(): array {
    return [
      'hook_civicrm_alterLogTables' => 'onAlterLogTables',
    ];
  }

  public function onAlterLogTables(GenericHookEvent $event): void {
    $spec = &$event->logTableSpec;
    if (is_array($spec)) {
      unset($spec[KeyRecords::TABLE]);
    }
  }

}
