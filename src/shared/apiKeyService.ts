import { ApiKeyError, rethrow } from './failures';
import type { ExpiryParams } from '../lifecycle/expiryChoice';

// usage: crmApiKeyService.fetchKey(cid).then((key) => ...)   // key or null; rejects with ApiKeyError
//
// The one place that talks to CiviCRM's APIv4 about keys. Every answer is checked for the shape
// APIv4 gives, since an answer of any other shape must never be mistaken for "no key" or "saved".
export class ApiKeyService {
  static $inject = ['crmApi4'];

  constructor(private readonly crmApi4: CrmApi4) {}

  /** The contact's key, or null when it has none. One Contact.get. */
  fetchKey(contactId: number): angular.IPromise<string | null> {
    return this.crmApi4('Contact', 'get', {
      select: ['api_key'],
      where: [['id', '=', contactId]],
    }).then((values) => {
      const record = firstRecord(values);
      if (!('api_key' in record)) throw new ApiKeyError('cannotRead');
      return keyValue(record.api_key);
    }, rethrow);
  }

  /**
   * When the contact's key ends: the one ApiKeyRecord.setExpiry (docs/design-1.1.md), `expiresIn`
   * days or `expiresOn` 'YYYY-MM-DD', or neither for "never". The server checks the site's maximum
   * and refuses a past date; it answers [{contact_id, expires_date}], and only that answer says
   * what the end now is: the raw end, or null for never.
   */
  setExpiry(contactId: number, params: ExpiryParams): angular.IPromise<string | null> {
    return this.crmApi4('ApiKeyRecord', 'setExpiry', { contactId, ...params }).then((values) => {
      const expires = firstRecord(values).expires_date;
      if (expires !== null && typeof expires !== 'string') throw new ApiKeyError('malformed');
      return expires || null;
    }, rethrow);
  }

  /** Sets (or, with null, clears) the key. One Contact.update; resolves only when the echo matches. */
  saveKey(contactId: number, key: string | null): angular.IPromise<void> {
    return this.crmApi4('Contact', 'update', {
      where: [['id', '=', contactId]],
      values: { api_key: key },
    }).then((values) => {
      const record = firstRecord(values);
      if (!('api_key' in record)) throw new ApiKeyError('altered');
      const stored = keyValue(record.api_key);
      if (stored !== (key || null)) {
        // CiviCRM did change the key, only not to the value sent: the caller must not keep
        // showing the old one as if it still worked.
        const error = new ApiKeyError('altered');
        error.storedHint = stored && stored.slice(-4);
        throw error;
      }
    }, rethrow);
  }

  /**
   * Whether another contact already holds this key (the column is not unique). One Contact.get.
   * Contacts in the trash count: their keys still authenticate (wire 35), but Contact.get hides
   * them unless the where names is_deleted (wire 36, 37).
   */
  isKeyInUse(key: string, contactId: number): angular.IPromise<boolean> {
    return this.crmApi4('Contact', 'get', {
      select: ['id'],
      where: [['api_key', '=', key], ['id', '!=', contactId], ['is_deleted', 'IN', [false, true]]],
      limit: 1,
    }).then((values) => {
      if (!Array.isArray(values)) throw new ApiKeyError('malformed');
      return values.length > 0;
    }, rethrow);
  }
}

function firstRecord(values: unknown): Record<string, unknown> {
  if (!Array.isArray(values)) throw new ApiKeyError('malformed');
  // An empty answer for a contact that exists means logged out or not allowed, never "no key".
  if (values.length === 0) throw new ApiKeyError('noAccess');
  const record: unknown = values[0];
  if (record === null || typeof record !== 'object' || Array.isArray(record)) throw new ApiKeyError('malformed');
  return record as Record<string, unknown>;
}

/** CiviCRM answers null for a cleared key; '' is treated the same, since it clears the key too. */
function keyValue(value: unknown): string | null {
  if (value === null || value === '') return null;
  if (typeof value !== 'string') throw new ApiKeyError('malformed');
  return value;
}
