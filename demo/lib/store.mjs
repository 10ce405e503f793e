// The demo's whole state (keys, their audit trail, authx grants, sessions, the site key) in one
// JSON file.
// Every change is written before the request that made it is answered, so a key the page showed
// as saved survives a restart, and a crash mid-write leaves the previous file intact.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { normalizeLifecycle, seedLifecycle, startKeyRecord } from './lifecycle.mjs';

/** The people of the demo: the administrator, Jane Doe, the staff member, the self-service user, the key reader. */
export const PEOPLE_IDS = [2, 3, 4, 5, 6];
/** Service contacts "Integration 01" to "Integration 40", each with a key, so the overview pages. */
export const INTEGRATION_IDS = Array.from({ length: 40 }, (_, index) => 7 + index);
/** The domain's organization ("Default Organization"): the source of changes made while nobody was logged in. */
export const DOMAIN_CONTACT_ID = 1;
export const CONTACT_IDS = [DOMAIN_CONTACT_ID, ...PEOPLE_IDS, ...INTEGRATION_IDS];
/** The details KeyAudit gives a change made inside hook_civicrm_preJob / postJob, with nobody logged in. */
export const SCHEDULED_JOB_DETAILS = 'Made by a scheduled job: nobody was logged in.';
export const GRANTABLE_CONTACT_IDS = [4, 5];

const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * The key an integration contact starts with: derived from its id, so every machine and every test
 * run sees the same keys (they are demo data, not secrets), in the 32-character alphabet of
 * generated keys.
 * @param {number} contactId
 */
export function seedApiKey(contactId) {
  const digest = createHash('sha256').update(`apikeytab demo integration ${contactId}`).digest();
  return Array.from(digest, (byte) => KEY_ALPHABET[byte % KEY_ALPHABET.length]).join('');
}
const MAX_SESSIONS = 200;

/**
 * What the extension's KeyAudit records on the contact whose key changed (activity type
 * `apikeytab_key_changed`, status Completed). Never any part of a key.
 * `details` only when nobody was logged in (then the source is the domain's organization).
 * @typedef {{id: number, subject: KeyChangeSubject, date: string, sourceContactId: number, targetContactId: number, details?: string}} KeyChangeActivity
 * @typedef {'API key generated' | 'API key replaced' | 'API key revoked' | 'API key expired'} KeyChangeSubject
 * @typedef {{user: string, createdAt: number}} Session
 * @typedef {{
 *   siteKey: string,
 *   apiKeys: Record<string, string | null>,
 *   modifiedDates: Record<string, string>,
 *   activities: KeyChangeActivity[],
 *   authxGrants: Record<string, boolean>,
 *   sessions: Record<string, Session>,
 *   trashed: Record<string, true>,
 *   lifecycle: import('./lifecycle.mjs').LifecycleData,
 *   tokens?: unknown,
 * }} DemoData
 */

const SUBJECTS = ['API key generated', 'API key replaced', 'API key revoked', 'API key expired'];

/**
 * The subject KeyAudit gives a change from `before` to `after` (as saved), or null when the key did
 * not change. An empty key counts as none.
 * @param {string | null} before
 * @param {string | null} after
 * @returns {KeyChangeSubject | null}
 */
export function keyChangeSubject(before, after) {
  const had = before !== null && before !== '';
  const has = after !== null && after !== '';
  if (!had && !has) return null;
  if (!had) return 'API key generated';
  if (!has) return 'API key revoked';
  return before === after ? null : 'API key replaced';
}

/** @returns {DemoData} */
function seedData() {
  const apiKeys = Object.fromEntries(CONTACT_IDS.map((id) => [id, INTEGRATION_IDS.includes(id) ? seedApiKey(id) : null]));
  return {
    siteKey: randomBytes(24).toString('base64url'),
    apiKeys,
    modifiedDates: {},
    activities: [],
    authxGrants: Object.fromEntries(GRANTABLE_CONTACT_IDS.map((id) => [id, false])),
    sessions: {},
    trashed: {},
    lifecycle: seedLifecycle(apiKeys, civicrmTimestamp(new Date())),
  };
}

/**
 * Keeps what is well-formed and fills the rest from the seed, so a file written by an older demo
 * still loads. Anything that is not even an object counts as corrupt.
 * @param {unknown} parsed
 * @returns {DemoData}
 */
function normalize(parsed) {
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error('the top level is not an object');
  }
  const raw = /** @type {Record<string, any>} */ (parsed);
  const data = seedData();
  if (typeof raw.siteKey === 'string' && raw.siteKey.length >= 16) data.siteKey = raw.siteKey;
  for (const id of CONTACT_IDS) {
    const key = raw.apiKeys?.[id];
    if (typeof key === 'string' || key === null) data.apiKeys[id] = key;
    const modified = raw.modifiedDates?.[id];
    if (typeof modified === 'string') data.modifiedDates[id] = modified;
  }
  // Temporary tokens' own part (signing key, audit), checked by demo/lib/tokens.mjs on first use.
  if (raw.tokens !== undefined) data.tokens = raw.tokens;
  data.lifecycle = normalizeLifecycle(raw.lifecycle, CONTACT_IDS, civicrmTimestamp(new Date()));
  for (const id of GRANTABLE_CONTACT_IDS) {
    if (typeof raw.authxGrants?.[id] === 'boolean') data.authxGrants[id] = raw.authxGrants[id];
  }
  for (const id of CONTACT_IDS) {
    if (raw.trashed?.[id] === true) data.trashed[id] = true;
  }
  for (const activity of Array.isArray(raw.activities) ? raw.activities : []) {
    if (
      Number.isInteger(activity?.id) &&
      SUBJECTS.includes(activity.subject) &&
      typeof activity.date === 'string' &&
      CONTACT_IDS.includes(activity.sourceContactId) &&
      CONTACT_IDS.includes(activity.targetContactId)
    ) {
      const { id, subject, date, sourceContactId, targetContactId } = activity;
      data.activities.push({ id, subject, date, sourceContactId, targetContactId, ...(typeof activity.details === 'string' ? { details: activity.details } : {}) });
    }
  }
  for (const [token, session] of Object.entries(raw.sessions ?? {})) {
    if (/^[0-9a-f]{64}$/.test(token) && typeof session?.user === 'string' && typeof session.createdAt === 'number') {
      data.sessions[token] = { user: session.user, createdAt: session.createdAt };
    }
  }
  return data;
}

/**
 * @param {string} file
 * @param {string} text
 */
async function writeAtomically(file, text) {
  const directory = dirname(file);
  const temporary = join(directory, `${basename(file)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  const handle = await open(temporary, 'wx', 0o600);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  // The rename is only durable once the directory entry itself reaches the disk.
  const directoryHandle = await open(directory, 'r');
  try {
    await directoryHandle.sync();
  } finally {
    await directoryHandle.close();
  }
}

export class DemoStore {
  /**
   * @param {string} file
   * @param {DemoData} data
   */
  constructor(file, data) {
    this.file = file;
    this.data = data;
    /** @type {Promise<void>} */
    this.pendingWrite = Promise.resolve();
  }

  /**
   * Opens the data file, or starts from the seed. A file that cannot be parsed is moved aside
   * (never deleted: it may hold keys someone wants back) and the demo starts anyway, so a bad
   * file cannot make `npm start` fail on every run.
   * @param {string} file
   * @param {(line: string) => void} warn
   */
  static async open(file, warn) {
    await mkdir(dirname(file), { recursive: true });
    await removeLeftoverTemporaryFiles(file);
    let text;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if (/** @type {NodeJS.ErrnoException} */ (error).code !== 'ENOENT') throw error;
      const store = new DemoStore(file, seedData());
      await store.save();
      return store;
    }
    try {
      return new DemoStore(file, normalize(JSON.parse(text)));
    } catch (error) {
      const movedTo = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      await rename(file, movedTo);
      // JSON.parse quotes a bit of the text it choked on, which may be part of a key: not logged.
      const reason = error instanceof SyntaxError ? 'not valid JSON' : /** @type {Error} */ (error).message;
      warn(`apikeytab demo: WARNING ${file} could not be read (${reason}); moved it to ${movedTo} and started with the seed data.`);
      const store = new DemoStore(file, seedData());
      await store.save();
      return store;
    }
  }

  /** Writes are queued so two requests cannot interleave their renames. */
  save() {
    const text = `${JSON.stringify(this.data, null, 2)}\n`;
    this.pendingWrite = this.pendingWrite.catch(() => {}).then(() => writeAtomically(this.file, text));
    return this.pendingWrite;
  }

  /** @param {number} contactId */
  apiKey(contactId) {
    return this.data.apiKeys[contactId] ?? null;
  }

  /**
   * Saves a key and, when it changed, the activity KeyAudit would record, in the same write.
   * @param {number} contactId
   * @param {string | null} apiKey as the column holds it
   * @param {number} sourceContactId who made the change (the domain's organization when nobody is logged in)
   * @param {{subject?: KeyChangeSubject, details?: string}} [audit] the daily job's revoke is "API key expired", with details
   */
  async setApiKey(contactId, apiKey, sourceContactId, audit = {}) {
    const now = civicrmTimestamp(new Date());
    const subject = keyChangeSubject(this.apiKey(contactId), apiKey);
    if (subject !== null) {
      const id = Math.max(0, ...this.data.activities.map((activity) => activity.id)) + 1;
      const details = audit.details === undefined ? {} : { details: audit.details };
      this.data.activities.push({ id, subject: audit.subject ?? subject, date: now, sourceContactId, targetContactId: contactId, ...details });
      // As the extension's KeyRecordSync: a key change the audit trail sees starts the key's row
      // afresh ("Never used"), or removes it, in the same write.
      startKeyRecord(this.data.lifecycle, contactId, apiKey, sourceContactId, now);
    }
    this.data.apiKeys[contactId] = apiKey;
    this.data.modifiedDates[contactId] = now;
    await this.save();
  }

  /**
   * The key-change activities on a contact, newest first (by date, then id, as the PHP side asks).
   * @param {number} contactId
   */
  keyChanges(contactId) {
    return this.data.activities
      .filter((activity) => activity.targetContactId === contactId)
      .sort((a, b) => b.date.localeCompare(a.date) || b.id - a.id);
  }

  /** @param {number} contactId */
  modifiedDate(contactId) {
    return this.data.modifiedDates[contactId] ?? null;
  }

  /**
   * authx looks a key up with `WHERE api_key = ?` on a non-unique column: the first row wins.
   * @param {string} apiKey
   */
  contactIdWithKey(apiKey) {
    return CONTACT_IDS.find((id) => this.data.apiKeys[id] === apiKey) ?? null;
  }

  /** @param {number} contactId */
  hasAuthxGrant(contactId) {
    return this.data.authxGrants[contactId] === true;
  }

  /**
   * @param {number} contactId
   * @param {boolean} granted
   */
  async setAuthxGrant(contactId, granted) {
    this.data.authxGrants[contactId] = granted;
    await this.save();
  }

  /**
   * In the trash (Contact.delete with useTrash): `is_deleted`. The key stays and still
   * authenticates (wire 35).
   * @param {number} contactId
   */
  isTrashed(contactId) {
    return this.data.trashed[contactId] === true;
  }

  /**
   * @param {number} contactId
   * @param {boolean} trashed
   */
  async setTrashed(contactId, trashed) {
    if (trashed) this.data.trashed[contactId] = true;
    else delete this.data.trashed[contactId];
    await this.save();
  }

  get siteKey() {
    return this.data.siteKey;
  }

  /** @param {string} token */
  sessionUser(token) {
    return Object.hasOwn(this.data.sessions, token) ? this.data.sessions[token].user : null;
  }

  /** @param {string} user */
  async createSession(user) {
    const token = randomBytes(32).toString('hex');
    this.data.sessions[token] = { user, createdAt: Date.now() };
    const oldestFirst = Object.entries(this.data.sessions).sort(([, a], [, b]) => a.createdAt - b.createdAt);
    for (const [expired] of oldestFirst.slice(0, Math.max(0, oldestFirst.length - MAX_SESSIONS))) {
      delete this.data.sessions[expired];
    }
    await this.save();
    return token;
  }

  async close() {
    await this.pendingWrite.catch(() => {});
  }
}

/** @param {string} file */
async function removeLeftoverTemporaryFiles(file) {
  const prefix = `${basename(file)}.tmp-`;
  const names = await readdir(dirname(file));
  await Promise.all(names.filter((name) => name.startsWith(prefix)).map((name) => rm(join(dirname(file), name), { force: true })));
}

/** CiviCRM's own format for created_date / modified_date. */
export function civicrmTimestamp(/** @type {Date} */ date) {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}
