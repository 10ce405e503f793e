// APIv4 entity ApiKeyRecord as the demo answers it (docs/design-1.1.md): get, setExpiry, and
// expire (the daily job apikeytab_expire_keys), over the rows of demo/lib/lifecycle.mjs.
import { CONTACTS, canEditContact, canReadKeys, canWriteKey, displayName, genericErrorReply, jsonReply, valuesReply } from './civicrm.mjs';
import { siteTimeBinding } from './page.mjs';
import { DOMAIN_CONTACT_ID, SCHEDULED_JOB_DETAILS } from './store.mjs';
import {
  KEY_RECORD_FIELDS,
  addDays,
  currentRecord,
  customFormat,
  expiryOfRequest,
  queueMail,
  reminderText,
  restartRecord,
  setRecordExpiry,
  siteTimestamp,
} from './lifecycle.mjs';

/**
 * @typedef {import('./civicrm.mjs').DemoUser} DemoUser
 * @typedef {import('./civicrm.mjs').Reply} Reply
 * @typedef {import('./store.mjs').DemoStore} DemoStore
 * @typedef {import('./lifecycle.mjs').KeyRecord} KeyRecord
 */

/**
 * CiviCRM shows an exception's text only to users with `view debug output` (wire 29).
 * @param {DemoUser} user
 * @param {number} status
 * @param {string} message
 */
function refusal(user, status, message) {
  if (!user.permissions.includes('view debug output')) return genericErrorReply(status);
  return jsonReply(status, { error_code: 0, error_message: message, status });
}

/**
 * Whoever may change the contact's key: the api_key rules, and edit access to the contact (wire 38).
 * @param {DemoUser} user
 * @param {number} contactId
 */
function mayChangeKey(user, contactId) {
  return canWriteKey(user, contactId) && canEditContact(user, contactId);
}

const GET_PARAMETERS = ['select', 'where', 'orderBy', 'limit', 'offset'];

/**
 * `where` on the row's own fields: =, !=, IN, NOT IN, <, <=, >, >=, IS NULL, IS NOT NULL.
 * @param {unknown} where
 * @returns {(row: Record<string, unknown>) => boolean}
 */
function rowFilter(where) {
  if (where === undefined) return () => true;
  if (!Array.isArray(where)) throw new RangeError('Parameter "where" must be an array.');
  const tests = where.map((clause) => {
    const [field, operator, expected] = Array.isArray(clause) ? clause : [];
    if (!KEY_RECORD_FIELDS.includes(field)) throw new RangeError(`Invalid field '${field}'`);
    /** @type {Record<string, (actual: any) => boolean>} */
    const operators = {
      '=': (actual) => actual === expected,
      '!=': (actual) => actual !== expected,
      IN: (actual) => Array.isArray(expected) && expected.includes(actual),
      'NOT IN': (actual) => Array.isArray(expected) && !expected.includes(actual),
      '<': (actual) => actual !== null && actual < expected,
      '<=': (actual) => actual !== null && actual <= expected,
      '>': (actual) => actual !== null && actual > expected,
      '>=': (actual) => actual !== null && actual >= expected,
      'IS NULL': (actual) => actual === null,
      'IS NOT NULL': (actual) => actual !== null,
    };
    if (!Object.hasOwn(operators, operator)) throw new RangeError(`Illegal operator for ${field}: ${operator}`);
    return (/** @type {Record<string, unknown>} */ row) => operators[operator](row[field]);
  });
  return (row) => tests.every((test) => test(row));
}

/**
 * @param {Record<string, any>} params
 * @param {DemoStore} store
 */
function getRows(params, store) {
  const unknown = Object.keys(params).filter((name) => !GET_PARAMETERS.includes(name));
  if (unknown.length > 0) throw new RangeError(`The demo does not implement the parameter "${unknown[0]}" of ApiKeyRecord.get.`);
  const select = Array.isArray(params.select) && params.select.length > 0 ? params.select.filter((field) => KEY_RECORD_FIELDS.includes(field)) : KEY_RECORD_FIELDS;
  const orderBy = Object.entries(params.orderBy ?? { id: 'ASC' });
  for (const [field, direction] of orderBy) {
    if (!KEY_RECORD_FIELDS.includes(field) || (direction !== 'ASC' && direction !== 'DESC')) throw new RangeError(`Invalid field '${field}'`);
  }
  const limit = Number.isInteger(params.limit) && params.limit > 0 ? params.limit : Infinity;
  const offset = Number.isInteger(params.offset) && params.offset > 0 ? params.offset : 0;
  /** @param {unknown} a @param {unknown} b NULL first when ascending, as MySQL */
  const compare = (a, b) => (a === b ? 0 : a === null ? -1 : b === null ? 1 : /** @type {any} */ (a) < /** @type {any} */ (b) ? -1 : 1);
  return /** @type {Record<string, unknown>[]} */ (Object.values(store.data.lifecycle.records))
    .filter(rowFilter(params.where))
    .sort((a, b) => {
      for (const [field, direction] of orderBy) {
        const difference = compare(a[field], b[field]);
        if (difference !== 0) return direction === 'ASC' ? difference : -difference;
      }
      return 0;
    })
    .slice(offset, offset + limit)
    .map((row) => Object.fromEntries(['id', ...select.filter((field) => field !== 'id')].map((field) => [field, row[field]])));
}

/**
 * @param {Record<string, any>} params
 * @param {DemoUser} user
 * @param {DemoStore} store
 * @param {string} now
 */
async function setExpiry(params, user, store, now) {
  // The entity's gate (Civi\Api4\ApiKeyRecord::permissions()), then the action's own check.
  if (!['administer CiviCRM', 'edit api keys', 'edit own api keys'].some((permission) => user.permissions.includes(permission))) {
    return refusal(user, 403, 'Authorization failed');
  }
  const contactId = typeof params.contactId === 'string' && /^\d+$/.test(params.contactId) ? Number(params.contactId) : params.contactId;
  if (!Number.isInteger(contactId) || contactId <= 0) return refusal(user, 500, 'Say whose key this is: contactId is missing.');
  if (!mayChangeKey(user, contactId)) return refusal(user, 403, 'You may not change the API key of this contact.');
  const apiKey = Object.hasOwn(CONTACTS, contactId) ? store.apiKey(contactId) : null;
  if (apiKey === null || apiKey === '') return refusal(user, 500, 'This contact has no API key, so there is nothing to expire.');
  const lifecycle = store.data.lifecycle;
  const chosen = expiryOfRequest(params, lifecycle.settings, now);
  if (!chosen.ok) return refusal(user, 500, chosen.message);
  const row = currentRecord(lifecycle, contactId, apiKey);
  // A key from before the extension, or set where no hook saw it: its row starts now, knowing
  // nothing of when or by whom it was set. Otherwise a new end deserves its own reminder.
  if (row === null) restartRecord(lifecycle, contactId, apiKey, { expires_date: chosen.expires });
  else setRecordExpiry(row, chosen.expires);
  await store.save();
  return valuesReply('ApiKeyRecord', 'setExpiry', [{ contact_id: contactId, expires_date: chosen.expires }]);
}

/**
 * The daily job (Civi\Api4\Action\ApiKeyRecord\Expire): revokes every key whose end has passed,
 * through the same write as Contact.update (so the audit trail records "API key expired" and the
 * row goes), then sends one reminder per key that ends within the notice, to whoever set it and
 * to the contact (each address once). A row of a key replaced behind the extension's back is not
 * that key's end: skipped. Each key is its own write, so a run that stops half way leaves no key
 * half-revoked and no reminder sent twice; the next run goes on. Answers {revoked, reminded, failed}.
 * @param {DemoStore} store
 * @param {{now?: string, siteUrl: string, loggedInContactId?: number | null}} run `siteUrl` the
 *   site's base URL (`http://HOST:PORT/`); `loggedInContactId` who called ApiKeyRecord.expire, or
 *   null for the scheduled job (cron: nobody logged in)
 */
export async function runExpiryJob(store, { now = siteTimestamp(new Date()), siteUrl, loggedInContactId = null }) {
  const lifecycle = store.data.lifecycle;
  const summary = { revoked: 0, reminded: 0, failed: 0 };
  /** @param {(row: KeyRecord) => boolean} test */
  const rows = (test) =>
    Object.values(lifecycle.records)
      .filter((row) => row.expires_date !== null && test(row))
      .sort((a, b) => /** @type {string} */ (a.expires_date).localeCompare(/** @type {string} */ (b.expires_date)) || a.id - b.id);
  const isCurrent = (/** @type {KeyRecord} */ row) => currentRecord(lifecycle, row.contact_id, store.apiKey(row.contact_id)) === row;

  for (const row of rows((candidate) => /** @type {string} */ (candidate.expires_date) <= now)) {
    if (!isCurrent(row)) continue;
    // Contact::update(FALSE). KeyAudit names whoever is logged in as the source; from cron nobody
    // is, so the domain's organization, and the details say a scheduled job made the change.
    const audit = loggedInContactId === null ? { subject: /** @type {const} */ ('API key expired'), details: SCHEDULED_JOB_DETAILS } : { subject: /** @type {const} */ ('API key expired') };
    await store.setApiKey(row.contact_id, null, loggedInContactId ?? DOMAIN_CONTACT_ID, audit);
    summary.revoked++;
  }
  const notice = lifecycle.settings.apikeytab_reminder_days;
  if (notice > 0) {
    const until = addDays(now, notice);
    for (const row of rows((candidate) => /** @type {string} */ (candidate.expires_date) > now && /** @type {string} */ (candidate.expires_date) <= until && candidate.reminder_sent_date === null)) {
      if (!isCurrent(row)) continue;
      const contactId = row.contact_id;
      const emails = [row.set_by, contactId].filter((id) => id !== null && Object.hasOwn(CONTACTS, id)).map((id) => CONTACTS[/** @type {number} */ (id)].email);
      const to = emails.filter((email, index) => emails.findIndex((other) => other.toLowerCase() === email.toLowerCase()) === index);
      // ExpiryReminder::templateParams(): customFormat() without a format picks dateformatDatetime
      // for a value longer than 10 characters; the URL is CRM_Utils_System::url(..., absolute).
      const text = reminderText({
        contactName: displayName(contactId),
        expiresOn: customFormat(/** @type {string} */ (row.expires_date), siteTimeBinding().format),
        contactUrl: new URL(`civicrm/contact/view?reset=1&cid=${contactId}&selectedChild=apikey`, siteUrl).href,
      });
      // The reminder and its record in one write: never sent twice.
      queueMail(lifecycle, { date: now, contactId, to, ...text });
      row.reminder_sent_date = now;
      await store.save();
      summary.reminded++;
    }
  }
  return summary;
}

/**
 * One APIv4 call on ApiKeyRecord.
 * @param {{action: string, params: Record<string, any>, user: DemoUser | null, store: DemoStore, siteUrl: string}} call
 * @returns {Promise<Reply>}
 */
export async function keyRecordApi4({ action, params, user, store, siteUrl }) {
  // Without a session CiviCRM answers 200 and nothing (wire 19).
  if (user === null) return valuesReply('ApiKeyRecord', action, []);
  const now = siteTimestamp(new Date());
  try {
    switch (action) {
      case 'get':
        if (!canReadKeys(user)) return refusal(user, 403, 'Authorization failed');
        return valuesReply('ApiKeyRecord', 'get', getRows(params, store));
      case 'setExpiry':
        return await setExpiry(params, user, store, now);
      case 'expire':
        if (!canReadKeys(user)) return refusal(user, 403, 'Authorization failed');
        return valuesReply('ApiKeyRecord', 'expire', [await runExpiryJob(store, { now, siteUrl, loggedInContactId: user.contactId })]);
      default:
        return refusal(user, 500, `Api ApiKeyRecord ${action} version 4 does not exist.`);
    }
  } catch (error) {
    if (error instanceof RangeError) return refusal(user, 500, error.message);
    throw error;
  }
}
