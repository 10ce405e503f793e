<?php

namespace Civi\ApiKeyTab\Token;

/**
 * The tab's `token` binding (docs/design-1.1.md): NULL unless the viewer may create temporary
 * tokens, else whether the site can sign them.
 */
final class TokenFacts {

  /**
   * The permission authx's AuthxCredential.create requires (wire 45: 403 without it).
   */
  public const PERMISSION = 'generate any authx credential';

  /**
   * @return array{signing: bool}|null
   */
  public static function forViewer(): ?array {
    if (!\CRM_Core_Permission::check(self::PERMISSION)) {
      return NULL;
    }
    return ['signing' => self::siteCanSign()];
  }

  /**
   * Whether the crypto registry holds a key tagged SIGN, the one authx's JWTs are signed with: from
   * CIVICRM_SIGN_KEYS in civicrm.settings.php, or added by hook_civicrm_crypto. Without it
   * AuthxCredential.create fails with "Failed to find key by ID or tag (SIGN)".
   */
  private static function siteCanSign(): bool {
    try {
      \Civi::service('crypto.registry')->findKey('SIGN');
      return TRUE;
    }
    catch (\Civi\Crypto\Exception\CryptoException $e) {
      return FALSE;
    }
    catch (\Throwable $e) {
      // A registry that cannot even be built signs nothing either; the tab must still render.
      \Civi::log()->error('apikeytab: whether the site can sign tokens could not be read: {cause}', [
        'cause' => get_class($e) . ': ' . $e->getMessage(),
      ]);
      return FALSE;
    }
  }

}
