// usage: setExpiry(crmApi4, cid, {expiresIn: 90}).then((expires) => ...)   // raw end or null; rejects with ApiKeyError
//
// The one ApiKeyRecord.setExpiry call (docs/design-1.1.md): `expiresIn` days or `expiresOn`
// 'YYYY-MM-DD', or neither for "never". The server checks the site's maximum and refuses a past
// date; it answers [{contact_id, expires_date}], and only that answer says what the end now is.
import { ApiKeyError, rethrow } from '../shared/failures';
import type { ExpiryParams } from './expiryChoice';

export function setExpiry(crmApi4: CrmApi4, contactId: number, params: ExpiryParams): angular.IPromise<string | null> {
  return crmApi4('ApiKeyRecord', 'setExpiry', { contactId, ...params }).then((values) => {
    const record: unknown = Array.isArray(values) ? values[0] : undefined;
    if (record === null || typeof record !== 'object' || !('expires_date' in record)) throw new ApiKeyError('malformed');
    const expires = (record as { expires_date: unknown }).expires_date;
    if (expires !== null && typeof expires !== 'string') throw new ApiKeyError('malformed');
    return expires || null;
  }, rethrow);
}
