// The key lifecycle of issues 12 and 13 as the demo imitates it: one row per contact like the
// extension's table civicrm_apikeytab_key (docs/design-1.1.md), the use authx records, the expiry
// it enforces, the settings, and the daily job. Rows live in the demo store beside the keys, in
// the same atomic file. Never any part of a key in a row: its SHA-256 fingerprint only.
import { createHash } from 'node:crypto';

/**
 * @typedef {{
 *   id: number,
 *   contact_id: number,
 *   key_fingerprint: string,
 *   set_date: string | null,
 *   set_by: number | null,
 *   last_used_date: string | null,
 *   last_used_ip: string | null,
 *   expires_date: string | null,
 *   reminder_sent_date: string | null,
 * }} KeyRecord
 * @typedef {{apikeytab_default_lifetime: number, apikeytab_max_lifetime: number, apikeytab_reminder_days: number}} LifecycleSettings
 * @typedef {{id: number, date: string, contactId: number, to: string[], subject: string, body: string}} ReminderMail
 * @typedef {{installedDate: string, nextId: number, records: Record<string, KeyRecord>, settings: LifecycleSettings, mail: ReminderMail[]}} LifecycleData
 */

export const SETTING_NAMES = /** @type {const} */ (['apikeytab_default_lifetime', 'apikeytab_max_lifetime', 'apikeytab_reminder_days']);
/** @type {LifecycleSettings} */
const DEFAULT_SETTINGS = { apikeytab_default_lifetime: 0, apikeytab_max_lifetime: 0, apikeytab_reminder_days: 7 };
/** A hundred years: the longest number of days any of the settings accepts (Policy::LONGEST). */
const MAX_SETTING_DAYS = 36500;
/** authx records a key's use at most once per key in this many seconds. */
const USE_THROTTLE_SECONDS = 60;
const MAX_MAIL = 200;
const DAY_MS = 86_400_000;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

/**
 * SHA-256 hex of the key as the column holds it, which is what the row keeps of it; trailing spaces
 * left out, as KeyRecords::fingerprint() does (MySQL ignores them when authx compares keys).
 */
export function keyFingerprint(/** @type {string} */ apiKey) {
  return createHash('sha256').update(apiKey.replace(/ +$/, ''), 'utf8').digest('hex');
}

/** A raw site timestamp `YYYY-MM-DD HH:MM:SS` (the demo's site runs on UTC). */
export function siteTimestamp(/** @type {Date} */ date) {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

function millisecondsOf(/** @type {string} */ timestamp) {
  return Date.parse(`${timestamp.replace(' ', 'T')}Z`);
}

/**
 * @param {string} timestamp
 * @param {number} days
 */
export function addDays(timestamp, days) {
  return siteTimestamp(new Date(millisecondsOf(timestamp) + days * DAY_MS));
}

/**
 * A few integration keys with a history, so the overview's Last used and Expires columns and the
 * "longest unused" order show something on a fresh demo: some used days ago, some never, some with
 * no row at all (keys from before the extension), some that end in a month or more. None expired.
 * @param {Record<string, string | null>} apiKeys
 * @param {string} now
 * @returns {LifecycleData}
 */
export function seedLifecycle(apiKeys, now) {
  /** @type {LifecycleData} */
  const data = { installedDate: addDays(now, -30), nextId: 1, records: {}, settings: { ...DEFAULT_SETTINGS }, mail: [] };
  for (const [id, key] of Object.entries(apiKeys)) {
    const contactId = Number(id);
    if (key === null || contactId < 6 || contactId % 4 === 0) continue;
    const setDate = addDays(now, -(20 + (contactId % 7)));
    const usedDaysAgo = contactId % 4 === 1 ? null : (contactId * 7) % 19;
    data.records[contactId] = {
      id: data.nextId++,
      contact_id: contactId,
      key_fingerprint: keyFingerprint(key),
      set_date: setDate,
      set_by: 2,
      last_used_date: usedDaysAgo === null ? null : addDays(now, -usedDaysAgo - (contactId % 3) / 24),
      last_used_ip: usedDaysAgo === null ? null : `203.0.113.${contactId}`,
      expires_date: contactId % 5 === 0 ? addDays(now, 30 + contactId * 3) : null,
      reminder_sent_date: null,
    };
  }
  return data;
}

/**
 * Keeps what is well-formed of a stored lifecycle; a file from before the lifecycle work gets an
 * empty table, as a site gets on installing the extension: its keys predate it.
 * @param {unknown} raw
 * @param {number[]} contactIds
 * @param {string} now
 * @returns {LifecycleData}
 */
export function normalizeLifecycle(raw, contactIds, now) {
  /** @type {LifecycleData} */
  const data = { installedDate: now, nextId: 1, records: {}, settings: { ...DEFAULT_SETTINGS }, mail: [] };
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return data;
  const stored = /** @type {Record<string, any>} */ (raw);
  if (typeof stored.installedDate === 'string' && TIMESTAMP.test(stored.installedDate)) data.installedDate = stored.installedDate;
  const timestampOrNull = (/** @type {unknown} */ value) => value === null || (typeof value === 'string' && TIMESTAMP.test(value));
  for (const id of contactIds) {
    const row = stored.records?.[id];
    if (
      row &&
      Number.isInteger(row.id) &&
      row.contact_id === id &&
      typeof row.key_fingerprint === 'string' &&
      /^[0-9a-f]{64}$/.test(row.key_fingerprint) &&
      timestampOrNull(row.set_date) &&
      (row.set_by === null || Number.isInteger(row.set_by)) &&
      ['last_used_date', 'expires_date', 'reminder_sent_date'].every((field) => timestampOrNull(row[field])) &&
      (row.last_used_ip === null || typeof row.last_used_ip === 'string')
    ) {
      const { id: rowId, contact_id, key_fingerprint, set_date, set_by, last_used_date, last_used_ip, expires_date, reminder_sent_date } = row;
      data.records[id] = { id: rowId, contact_id, key_fingerprint, set_date, set_by, last_used_date, last_used_ip, expires_date, reminder_sent_date };
    }
  }
  data.nextId = Math.max(Number.isInteger(stored.nextId) ? stored.nextId : 1, ...Object.values(data.records).map((row) => row.id + 1));
  for (const name of SETTING_NAMES) {
    const value = stored.settings?.[name];
    if (Number.isInteger(value) && value >= 0 && value <= MAX_SETTING_DAYS) data.settings[name] = value;
  }
  for (const mail of Array.isArray(stored.mail) ? stored.mail : []) {
    if (Number.isInteger(mail?.id) && typeof mail.date === 'string' && Number.isInteger(mail.contactId) && Array.isArray(mail.to) && typeof mail.subject === 'string' && typeof mail.body === 'string') {
      data.mail.push({ id: mail.id, date: mail.date, contactId: mail.contactId, to: mail.to.filter((to) => typeof to === 'string'), subject: mail.subject, body: mail.body });
    }
  }
  return data;
}

/**
 * The end a key gets when its row starts: the site's maximum when it has one (a key entered or set
 * elsewhere gets the maximum), else none; the tab then sets the chosen end with setExpiry.
 * @param {LifecycleData} lifecycle
 * @param {string} now
 */
function endOfNewKey(lifecycle, now) {
  const maxDays = lifecycle.settings.apikeytab_max_lifetime;
  return maxDays > 0 ? addDays(now, maxDays) : null;
}

/**
 * A key change the audit trail sees (generated, replaced, revoked; through Contact.update or the
 * demo's "other window"), as KeyRecordSync does: the row starts afresh ("Never used", set now by
 * whoever is logged in) for the new key, or goes. A key set without a choice gets the site's
 * maximum (Policy::expiryForKeySetElsewhere); the tab then sets the chosen end with setExpiry.
 * @param {LifecycleData} lifecycle
 * @param {number} contactId
 * @param {string | null} apiKey as the column now holds it
 * @param {number | null} setBy
 * @param {string} now
 */
export function startKeyRecord(lifecycle, contactId, apiKey, setBy, now) {
  if (apiKey === null || apiKey === '') {
    delete lifecycle.records[contactId];
    return;
  }
  restartRecord(lifecycle, contactId, apiKey, { set_date: now, set_by: setBy, expires_date: endOfNewKey(lifecycle, now) });
}

/**
 * KeyRecords::restart(): the contact's row speaks for this key from now on; whatever the old row
 * said (another key's use, set date or expiry) no longer applies.
 * @param {LifecycleData} lifecycle
 * @param {number} contactId
 * @param {string} apiKey
 * @param {Partial<Pick<KeyRecord, 'set_date' | 'set_by' | 'last_used_date' | 'last_used_ip' | 'expires_date'>>} facts
 */
export function restartRecord(lifecycle, contactId, apiKey, facts) {
  const row = {
    id: lifecycle.nextId++,
    contact_id: contactId,
    key_fingerprint: keyFingerprint(apiKey),
    set_date: facts.set_date ?? null,
    set_by: facts.set_by ?? null,
    last_used_date: facts.last_used_date ?? null,
    last_used_ip: facts.last_used_ip ?? null,
    expires_date: facts.expires_date ?? null,
    reminder_sent_date: null,
  };
  lifecycle.records[contactId] = row;
  return row;
}

/**
 * The row of a contact when it belongs to the key stored now; a row of an earlier key (changed
 * outside the API) says nothing about this one.
 * @param {LifecycleData} lifecycle
 * @param {number} contactId
 * @param {string | null} apiKey
 */
export function currentRecord(lifecycle, contactId, apiKey) {
  const row = lifecycle.records[contactId];
  return row && apiKey !== null && apiKey !== '' && row.key_fingerprint === keyFingerprint(apiKey) ? row : null;
}

/**
 * What CredentialWatch asks at checkCredential, before core looks the key up: the rows that speak
 * for this key as stored now (by fingerprint, joined to contacts holding that very key). A key
 * shared by two contacts is refused only when all its rows have ended.
 * @param {LifecycleData} lifecycle
 * @param {Record<string, string | null>} apiKeys the column api_key, by contact
 * @param {string} apiKey
 * @param {string} now
 */
export function keyHasExpired(lifecycle, apiKeys, apiKey, now) {
  const fingerprint = keyFingerprint(apiKey);
  const rows = Object.values(lifecycle.records).filter((record) => record.key_fingerprint === fingerprint && apiKeys[record.contact_id] === apiKey);
  return rows.length > 0 && rows.every((row) => row.expires_date !== null && row.expires_date <= now);
}

/**
 * Records a use authx accepted: date and client address, at most once per key per 60 seconds.
 * A row of another key (or none: a key from before the extension) starts afresh for this one.
 * @param {LifecycleData} lifecycle
 * @param {number} contactId
 * @param {string} apiKey
 * @param {string | null} ip
 * @param {string} now
 * @returns {boolean} whether anything changed (and must be saved)
 */
function recordUse(lifecycle, contactId, apiKey, ip, now) {
  const row = currentRecord(lifecycle, contactId, apiKey);
  if (row) {
    if (row.last_used_date !== null && millisecondsOf(now) - millisecondsOf(row.last_used_date) < USE_THROTTLE_SECONDS * 1000) return false;
    row.last_used_date = now;
    row.last_used_ip = ip;
    return true;
  }
  // Set before the extension, or where no hook saw it: nothing known of when or by whom. As a key
  // set elsewhere, under a site maximum it ends that many days from now (CredentialWatch).
  restartRecord(lifecycle, contactId, apiKey, { last_used_date: now, last_used_ip: ip, expires_date: endOfNewKey(lifecycle, now) });
  return true;
}

/**
 * The client address as CRM_Utils_System::ipAddress() gives it: IPv4 without Node's `::ffff:`
 * prefix of a dual-stack socket, IPv6 kept.
 * @param {string | undefined} remoteAddress
 */
export function clientAddress(remoteAddress) {
  if (!remoteAddress) return null;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(remoteAddress);
  return mapped ? mapped[1] : remoteAddress;
}

/**
 * The tab's `lifecycle` binding, built as the PHP's TabFacts does (docs/design-1.1.md): the address
 * only for viewers who may read keys, the policy always (Generate needs it).
 * @param {LifecycleData} lifecycle
 * @param {string | null} apiKey
 * @param {boolean} mayReadKeys
 */
export function lifecycleBinding(lifecycle, contactId, apiKey, mayReadKeys) {
  const policy = policyOf(lifecycle.settings);
  if (apiKey === null || apiKey === '') return { last_used: null, usage_since: null, expires: null, policy };
  const row = currentRecord(lifecycle, contactId, apiKey);
  return {
    last_used: row?.last_used_date ? { date: row.last_used_date, ip: mayReadKeys ? row.last_used_ip : null } : null,
    // Unknown beginnings (no row of this key, or a row started at a first use): use is known only
    // since the extension began recording it.
    usage_since: row === null || row.set_date === null ? lifecycle.installedDate : null,
    expires: row?.expires_date ?? null,
    policy,
  };
}

/**
 * Policy::fromDays()->forTab(): a default longer than the maximum (or "never" under one) reads as
 * the maximum, since Setting.create checks each value alone.
 * @param {LifecycleSettings} settings
 */
function policyOf(settings) {
  const max = settings.apikeytab_max_lifetime > 0 ? settings.apikeytab_max_lifetime : null;
  let defaultDays = settings.apikeytab_default_lifetime > 0 ? settings.apikeytab_default_lifetime : null;
  if (max !== null && (defaultDays === null || defaultDays > max)) defaultDays = max;
  return { default_days: defaultDays, max_days: max, notice_days: Math.max(0, settings.apikeytab_reminder_days) };
}

/** The settings' titles (settings/apikeytab.setting.php), which the form's messages name. */
export const SETTING_TITLES = {
  apikeytab_default_lifetime: 'Default key lifetime (days)',
  apikeytab_max_lifetime: 'Maximum key lifetime (days)',
  apikeytab_reminder_days: 'Reminder before expiry (days)',
};

/** Policy::days(): a whole number of days from an int or a string of digits; null for anything else. */
function wholeDays(/** @type {unknown} */ value) {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value : null;
  return typeof value === 'string' && /^\s*\d{1,9}\s*$/.test(value) ? Number(value.trim()) : null;
}

/**
 * The settings form's checks (LifetimeSettings): each value a whole number of days from 0 to
 * 36500, then the three together. Every message, by setting name; nothing is saved unless none.
 * @param {Record<string, unknown>} values
 * @returns {{ok: true, settings: LifecycleSettings} | {ok: false, errors: Record<string, string>, message: string}}
 */
export function validateSettings(values) {
  /** @type {Record<string, string>} */
  const errors = {};
  /** @type {Record<string, number>} */
  const parsed = {};
  for (const name of SETTING_NAMES) {
    const days = wholeDays(values[name]);
    if (days === null || days > MAX_SETTING_DAYS) errors[name] = `${SETTING_TITLES[name]}: enter a whole number of days from 0 to ${MAX_SETTING_DAYS}.`;
    else parsed[name] = days;
  }
  if (Object.keys(errors).length === 0) {
    const { apikeytab_default_lifetime: defaultDays, apikeytab_max_lifetime: maxDays, apikeytab_reminder_days: noticeDays } = /** @type {LifecycleSettings} */ (parsed);
    if (maxDays > 0 && defaultDays === 0) {
      errors.apikeytab_default_lifetime = `With a maximum lifetime of ${maxDays} days, keys cannot default to never expiring: enter a default of at most ${maxDays} days.`;
    } else if (maxDays > 0 && defaultDays > maxDays) {
      errors.apikeytab_max_lifetime = `The maximum lifetime (${maxDays} days) is shorter than the default lifetime (${defaultDays} days): raise the maximum or lower the default.`;
    }
    if (maxDays > 0 && noticeDays > maxDays) {
      errors.apikeytab_reminder_days = `The reminder (${noticeDays} days before the end) would go out before a key of the maximum lifetime (${maxDays} days) is even made: enter at most ${maxDays} days.`;
    }
  }
  const messages = Object.values(errors);
  return messages.length === 0 ? { ok: true, settings: /** @type {LifecycleSettings} */ (parsed) } : { ok: false, errors, message: messages.join(' ') };
}

/**
 * Policy::chosenExpiry(): the end of a key for `expiresIn` days from now, or the end of the day
 * `expiresOn` (site time), or neither (never), under the site's maximum.
 * @param {Record<string, unknown>} params
 * @param {LifecycleSettings} settings
 * @param {string} now
 * @returns {{ok: true, expires: string | null} | {ok: false, message: string}}
 */
export function expiryOfRequest(params, settings, now) {
  const { expiresIn, expiresOn } = params;
  const given = (/** @type {unknown} */ value) => value !== undefined && value !== null && value !== '';
  const maxDays = policyOf(settings).max_days;
  const beyondMaximum = (/** @type {number} */ days) => maxDays !== null && days > maxDays;
  const tooLong = { ok: false, message: `API keys on this site may live at most ${maxDays} days: choose an earlier expiry.` };
  if (given(expiresIn) && given(expiresOn)) return { ok: false, message: 'Choose either a number of days or a date for the key to expire, not both.' };
  if (given(expiresIn)) {
    const days = wholeDays(expiresIn);
    if (days === null || days < 1) return { ok: false, message: 'The key must expire after a whole number of days, 1 or more.' };
    return beyondMaximum(days) ? /** @type {{ok: false, message: string}} */ (tooLong) : { ok: true, expires: addDays(now, days) };
  }
  if (given(expiresOn)) {
    const day = typeof expiresOn === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(expiresOn) ? expiresOn : null;
    if (day === null || siteTimestamp(new Date(`${day}T00:00:00Z`)).slice(0, 10) !== day) return { ok: false, message: 'The expiry date must be a date written YYYY-MM-DD.' };
    const end = `${day} 23:59:59`;
    if (end <= now) return { ok: false, message: 'The expiry date has already passed: choose today or a later day.' };
    const days = Math.round((Date.parse(`${day}T00:00:00Z`) - Date.parse(`${now.slice(0, 10)}T00:00:00Z`)) / DAY_MS);
    return beyondMaximum(days) ? /** @type {{ok: false, message: string}} */ (tooLong) : { ok: true, expires: end };
  }
  if (maxDays !== null) return { ok: false, message: `This site requires every API key to expire within ${maxDays} days: choose when this one ends.` };
  return { ok: true, expires: null };
}

/**
 * Sets a key's end; a new end may need a new reminder.
 * @param {KeyRecord} row
 * @param {string | null} expires
 */
export function setRecordExpiry(row, expires) {
  row.expires_date = expires;
  row.reminder_sent_date = null;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/**
 * A raw site timestamp in a CiviCRM date format (CRM_Utils_Date::customFormat's tokens, English
 * names, core's own padding: `%e %k %l` pad with a blank). The demo's own, for what PHP formats on
 * the server (the reminder); the tab formats with src/shared/siteTime.ts.
 * @param {string} raw `YYYY-MM-DD HH:MM:SS`
 * @param {string} format
 */
export function customFormat(raw, format) {
  const [year, month, day, hour, minute, second] = raw.split(/\D/).map(Number);
  const two = (/** @type {number} */ n, fill = '0') => String(n).padStart(2, fill);
  const hour12 = hour % 12 || 12;
  const weekday = WEEKDAYS[new Date(Date.UTC(year, month - 1, day)).getUTCDay()];
  /** @type {Record<string, string>} */
  const tokens = {
    A: weekday,
    a: weekday.slice(0, 3),
    B: MONTHS[month - 1],
    b: MONTHS[month - 1].slice(0, 3),
    d: two(day),
    e: two(day, ' '),
    E: String(day),
    f: (day < 11 || day > 13 ? ['st', 'nd', 'rd'][(day % 10) - 1] : '') || 'th',
    H: two(hour),
    h: two(hour12),
    I: two(hour12),
    k: two(hour, ' '),
    l: two(hour12, ' '),
    m: two(month),
    M: two(minute),
    i: two(minute),
    p: hour < 12 ? 'am' : 'pm',
    P: hour < 12 ? 'AM' : 'PM',
    Y: String(year),
    y: String(year).slice(2),
    s: two(second),
    S: two(second),
    Z: '',
  };
  return format.replace(/%D/g, '%m/%d/%y').replace(/%([A-Za-z])/g, (token, letter) => tokens[letter] ?? token);
}

/**
 * The reminder ApiKeyRecord.expire sends `notice` days before a key's end: the default of the
 * workflow template apikeytab_expiry_reminder (managed/MessageTemplate.mgd.php), its subject and
 * text, filled with what ExpiryReminder::templateParams() gives it. Never any part of the key.
 * @param {{contactName: string, expiresOn: string, contactUrl: string}} params {$contactName},
 *   {$expiresOn} (customFormat in the site's format), {$contactUrl} (absolute)
 */
export function reminderText({ contactName, expiresOn, contactUrl }) {
  return {
    subject: `The API key of ${contactName} expires on ${expiresOn}`,
    body:
      `The API key of ${contactName} expires on ${expiresOn}. After that, every request that uses it will be refused.` +
      '\n\n' +
      'If the key is still needed, open the API Key tab of the contact and choose a later expiry, or make a new key for whatever uses it:' +
      `\n${contactUrl}\n\n` +
      'You receive this message because you set this key or because it belongs to you. It does not contain the key.' +
      '\n',
  };
}

/**
 * @param {LifecycleData} lifecycle
 * @param {Omit<ReminderMail, 'id'>} mail
 */
export function queueMail(lifecycle, mail) {
  const id = Math.max(0, ...lifecycle.mail.map((sent) => sent.id)) + 1;
  lifecycle.mail.push({ id, ...mail });
  lifecycle.mail.splice(0, Math.max(0, lifecycle.mail.length - MAX_MAIL));
}

/** The fields of ApiKeyRecord, as a join on it names them (`<alias>.<field>`). */
export const KEY_RECORD_FIELDS = ['id', 'contact_id', 'key_fingerprint', 'set_date', 'set_by', 'last_used_date', 'last_used_ip', 'expires_date', 'reminder_sent_date'];

/**
 * Takes the overview's join on ApiKeyRecord out of a Contact.get `join`:
 * `['ApiKeyRecord AS <alias>', 'LEFT']`, optionally with the one condition
 * `['<alias>.contact_id', '=', 'id']` (either way round), which is what APIv4 supplies itself when
 * none is given (Api4SelectQuery::getJoinConditions finds the FK to the main entity). Any other
 * join on ApiKeyRecord is refused; joins on other entities are left for the caller.
 * @param {unknown} join
 * @returns {{rest: unknown, alias: string | null}}
 */
export function splitKeyRecordJoin(join) {
  if (!Array.isArray(join)) return { rest: join, alias: null };
  const mine = join.filter((item) => Array.isArray(item) && typeof item[0] === 'string' && /^ApiKeyRecord(\s|$)/.test(item[0]));
  if (mine.length === 0) return { rest: join, alias: null };
  const [entity, side, ...conditions] = mine.length === 1 ? mine[0] : [];
  const alias = typeof entity === 'string' ? /^ApiKeyRecord AS (\w+)$/.exec(entity)?.[1] : undefined;
  const linksContact = (/** @type {unknown} */ condition) =>
    Array.isArray(condition) &&
    condition.length === 3 &&
    condition[1] === '=' &&
    ((condition[0] === `${alias}.contact_id` && condition[2] === 'id') || (condition[0] === 'id' && condition[2] === `${alias}.contact_id`));
  if (!alias || side !== 'LEFT' || conditions.length > 1 || !conditions.every(linksContact)) {
    throw new Error("The demo joins ApiKeyRecord only as ['ApiKeyRecord AS <alias>', 'LEFT', ['<alias>.contact_id', '=', 'id']].");
  }
  const rest = join.filter((item) => !mine.includes(item));
  return { rest: rest.length === 0 ? undefined : rest, alias };
}

/**
 * One contact's side of the LEFT join: every field of its row under `<alias>.`, NULL when it has
 * none. SQL joins the row by contact, whichever key it was made for.
 * @param {LifecycleData} lifecycle
 * @param {string} alias
 * @param {number} contactId
 * @returns {Record<string, unknown>}
 */
export function joinedKeyRecord(lifecycle, alias, contactId) {
  const row = lifecycle.records[contactId];
  return Object.fromEntries(KEY_RECORD_FIELDS.map((field) => [`${alias}.${field}`, row ? row[/** @type {keyof KeyRecord} */ (field)] : null]));
}

/**
 * Records a use on the store and writes it; a failure is logged (without the key) and the request
 * it watches goes on.
 * @param {{data: {lifecycle: LifecycleData}, save: () => Promise<void>}} store
 * @param {{contactId: number, apiKey: string, ip: string | null, log?: (line: string) => void}} use
 */
export async function recordKeyUse(store, { contactId, apiKey, ip, log = () => {} }) {
  try {
    if (recordUse(store.data.lifecycle, contactId, apiKey, ip, siteTimestamp(new Date()))) await store.save();
  } catch (error) {
    log(`apikeytab demo: WARNING the use of the API key of contact ${contactId} could not be recorded: ${/** @type {Error} */ (error).message}`);
  }
}
