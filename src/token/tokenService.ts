// usage: crmApiKeyTokens.create(cid, 3600).then(({ jwt, exp }) => ...)   // rejects with a TokenFailure
//        testToken(jwt, cid).then((result) => ...)                         // never rejects
//
// A temporary token is a JWT that CiviCRM's authx signs with CIVICRM_SIGN_KEYS
// (AuthxCredential.create, wire 43). It ends by itself at its `exp` claim and cannot be revoked.
import { failureReason, type FailureReason } from '../shared/failures';
import { askAuthx } from '../shared/keyTest';

/** Why no token came back (the promise rejects with it): as for a key, or no signing key. */
export type TokenFailure = FailureReason | 'noSigningKey';

export interface IssuedToken {
  /** The JWT, without the "Bearer " that CiviCRM puts before it. */
  jwt: string;
  /** When authx stops accepting it: unix seconds. */
  exp: number;
}

const CRED = /^Bearer ([\w-]+\.[\w-]+\.[\w-]+)$/;

export class TokenService {
  static $inject = ['crmApi4'];

  constructor(private readonly crmApi4: CrmApi4) {}

  /** One AuthxCredential.create for this contact, valid for `ttl` seconds. */
  create(contactId: number, ttl: number): angular.IPromise<IssuedToken> {
    return this.crmApi4('AuthxCredential', 'create', { contactId, ttl }).then(
      (values) => {
        // No record at all: logged out, as for a key (HTTP 200, empty values).
        if (Array.isArray(values) && !values.length) throw 'noAccess' satisfies TokenFailure;
        const cred: unknown = Array.isArray(values) ? values[0]?.cred : undefined;
        const jwt = typeof cred === 'string' ? CRED.exec(cred)?.[1] : undefined;
        if (!jwt) throw 'malformed' satisfies TokenFailure;
        // The claim is what authx enforces; without one, the time asked for from now.
        return { jwt, exp: expiryOf(jwt) ?? Math.floor(Date.now() / 1000) + ttl };
      },
      (rejection: unknown) => {
        // Core's text for a site without CIVICRM_SIGN_KEYS; only debug users get to see it.
        const message = (rejection as { error_message?: unknown } | undefined)?.error_message;
        throw (typeof message === 'string' && message.includes('(SIGN)') ? 'noSigningKey' : failureReason(rejection)) satisfies TokenFailure;
      },
    );
  }
}

/**
 * The `exp` claim, read without checking the signature: it only tells the page what to display,
 * and authx checks the signature itself on every use.
 */
export function expiryOf(jwt: string): number | null {
  try {
    const claims = JSON.parse(atob(jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
    return Number.isInteger(claims.exp) ? claims.exp : null;
  } catch {
    return null;
  }
}

export type TokenTestResult =
  | { outcome: 'works' }
  | { outcome: 'expired' }
  | { outcome: 'refused' }
  | { outcome: 'unreachable' }
  | { outcome: 'unexpected'; status: number };

/**
 * Asks authx who the token logs in as, like another system would: without the browser's cookies
 * (with them authx answers for the session). Success is cred "jwt" for this very contact.
 */
export function testToken(jwt: string, contactId: number): Promise<TokenTestResult> {
  return askAuthx(jwt).then((reply): TokenTestResult => {
    if (!reply) return { outcome: 'unreachable' };
    const { status, body, answer } = reply;
    // authx's 401s are plain text: "HTTP 401 Expired token", "HTTP 401 Invalid credential".
    if (status === 401) return { outcome: body.includes('Expired token') ? 'expired' : 'refused' };
    return status === 200 && answer?.cred === 'jwt' && Number(answer.contact_id) === contactId ? { outcome: 'works' } : { outcome: 'unexpected', status };
  });
}
