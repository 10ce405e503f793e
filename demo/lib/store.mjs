// The demo's whole state (keys, authx grants, sessions, the site key) in one JSON file.
// Every change is written before the request that made it is answered, so a key the page showed
// as saved survives a restart, and a crash mid-write leaves the previous file intact.
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export const CONTACT_IDS = [2, 3, 4, 5];
export const GRANTABLE_CONTACT_IDS = [4, 5];
const MAX_SESSIONS = 200;

/**
 * @typedef {{user: string, createdAt: number}} Session
 * @typedef {{
 *   siteKey: string,
 *   apiKeys: Record<string, string | null>,
 *   modifiedDates: Record<string, string>,
 *   authxGrants: Record<string, boolean>,
 *   sessions: Record<string, Session>,
 * }} DemoData
 */

/** @returns {DemoData} */
function seedData() {
  return {
    siteKey: randomBytes(24).toString('base64url'),
    apiKeys: Object.fromEntries(CONTACT_IDS.map((id) => [id, null])),
    modifiedDates: {},
    authxGrants: Object.fromEntries(GRANTABLE_CONTACT_IDS.map((id) => [id, false])),
    sessions: {},
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
  for (const id of GRANTABLE_CONTACT_IDS) {
    if (typeof raw.authxGrants?.[id] === 'boolean') data.authxGrants[id] = raw.authxGrants[id];
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
      warn(`apikeytab demo: WARNING ${file} could not be read (${/** @type {Error} */ (error).message}); moved it to ${movedTo} and started with the seed data.`);
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
   * @param {number} contactId
   * @param {string | null} apiKey
   */
  async setApiKey(contactId, apiKey) {
    this.data.apiKeys[contactId] = apiKey;
    this.data.modifiedDates[contactId] = civicrmTimestamp(new Date());
    await this.save();
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
