// Why a request about a key failed, in terms the tab can explain to a non-programmer.
// The error never carries the key or the server's text: both could end up on screen or in a log.

export type FailureReason =
  /** No usable answer: a network failure, or a body that was not JSON (crmApi4 rejects with undefined). */
  | 'unreachable'
  /** HTTP 403: CiviCRM hides the real reason behind a generic message. */
  | 'permission'
  /** HTTP 500 "Expected one Contact but found 0": deleted meanwhile. */
  | 'contactMissing'
  /** Any other error answer. */
  | 'server'
  /** HTTP 200 with no record: logged out, or the contact is out of the viewer's reach. */
  | 'noAccess'
  /** The record came back without api_key: the viewer may not read keys. */
  | 'cannotRead'
  /** The saved value differs from the one sent (CiviCRM truncates past 32 characters without an error). */
  | 'altered'
  /** HTTP 200 whose content is not what APIv4 answers. */
  | 'malformed';

export class ApiKeyError extends Error {
  /**
   * For 'altered': what the contact holds now, as far as a viewer may see it: the last 4
   * characters of the stored value, or null when it holds none. Never more of the key.
   */
  storedHint?: string | null;

  constructor(readonly reason: FailureReason) {
    super(reason);
    this.name = 'ApiKeyError';
  }
}

/** Turns whatever a crmApi4 promise rejected with into a reason. */
export function failureReason(rejection: unknown): FailureReason {
  if (rejection instanceof ApiKeyError) return rejection.reason;
  if (rejection === null || typeof rejection !== 'object') return 'unreachable';
  const { status, error_message: message } = rejection as { status?: unknown; error_message?: unknown };
  if (status === 403 || status === '403') return 'permission';
  if (typeof message === 'string' && message.includes('Expected one Contact but found 0')) return 'contactMissing';
  return 'server';
}

/** For a crmApi4 promise's rejection handler: whatever it rejected with becomes an ApiKeyError. */
export function rethrow(rejection: unknown): never {
  throw new ApiKeyError(failureReason(rejection));
}
