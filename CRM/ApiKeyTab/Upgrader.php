<?php

use Civi\ApiKeyTab\Lifecycle\KeyRecords;
use Civi\ApiKeyTab\Lifecycle\TrackingStart;

/**
 * Creates the key table on install and on the upgrade from 1.0.0, drops it on uninstall.
 *
 * Ours rather than civimix-schema's CiviMix\Schema\ApiKeyTab\AutomaticUpgrader: that class name
 * exists only once something has loaded the civimix-schema@5 package, which civix-generated code
 * does from the extension's <ext>.civix.php; core itself loads it only on demand. This extension has
 * no generated files, so the table's SQL lives in KeyRecords and runs from here, the same on 5.75
 * and on 6.x.
 *
 * A fresh install records revision 1100 as done (CRM_Extension_Upgrader_Base::onPostInstall), so
 * only sites that ran 1.0.0, which had no upgrader and so no revision, run upgrade_1100().
 */
class CRM_ApiKeyTab_Upgrader extends CRM_Extension_Upgrader_Base {

  public function install(): void {
    KeyRecords::create();
  }

  /**
   * After the caches are rebuilt, so that the extension's settings are known.
   */
  public function postInstall(): void {
    self::startTracking();
  }

  public function uninstall(): void {
    KeyRecords::drop();
  }

  /**
   * 1.1: the key table (last use, expiry), for sites that installed 1.0.0.
   */
  public function upgrade_1100(): bool {
    KeyRecords::create();
    self::startTracking();
    return TRUE;
  }

  private static function startTracking(): void {
    try {
      TrackingStart::record(TrackingStart::now());
    }
    catch (\Throwable $e) {
      // The table matters more than the date (on an upgrade the settings metadata may not know it
      // yet): the first read saves it instead (TrackingStart::since()), a little later than the
      // truth, which keeps "No use recorded since ..." true.
      \Civi::log()->warning('apikeytab: the date key use recording began could not be saved: {cause}', ['cause' => get_class($e) . ': ' . $e->getMessage()]);
    }
  }

}
