// What a CiviCRM 6.15 site answers to the calls the tab makes, as observed in
// ../shared/civicrm/wire (APIv4 over AJAX, and authx). Written from those observations only.
import { createHash, randomInt } from 'node:crypto';
import { DOMAIN_CONTACT_ID, INTEGRATION_IDS } from './store.mjs';
import { authenticateJwt } from './tokens.mjs';
import { joinedKeyRecord, keyHasExpired, recordKeyUse, siteTimestamp, splitKeyRecordJoin } from './lifecycle.mjs';

/**
 * @typedef {{status: number, headers: Record<string, string>, body: string}} Reply
 * @typedef {{name: string, contactId: number, userId: number, label: string, permissions: string[]}} DemoUser
 * @typedef {import('./store.mjs').DemoStore} DemoStore
 */

/** @type {Record<string, DemoUser>} */
export const USERS = {
  admin: {
    name: 'admin',
    contactId: 2,
    userId: 1,
    label: 'admin (administer CiviCRM)',
    // Standalone's admin role holds every permission, including `view debug output`.
    permissions: ['access CiviCRM', 'administer CiviCRM', 'edit all contacts', 'edit my contact', 'edit api keys', 'view debug output', 'authenticate with api key', 'generate any authx credential'],
  },
  self: {
    name: 'self',
    contactId: 5,
    userId: 3,
    label: 'self (edit own api keys)',
    permissions: ['access CiviCRM', 'view all contacts', 'edit all contacts', 'edit own api keys'],
  },
  staff: {
    name: 'staff',
    contactId: 4,
    userId: 2,
    label: 'staff (no key permissions)',
    permissions: ['access CiviCRM', 'view all contacts', 'edit all contacts'],
  },
  // As the captured keyviewer (wire 38, 39): reads every key, may change none of another contact's.
  reader: {
    name: 'reader',
    contactId: 6,
    userId: 4,
    label: 'reader (edit api keys, cannot edit contacts)',
    permissions: ['access CiviCRM', 'access AJAX API', 'view all contacts', 'edit api keys'],
  },
};

export const DEFAULT_USER = 'admin';

/**
 * @typedef {{firstName: string, lastName: string, email: string, hash: string, createdDate: string, contactType?: 'Organization', organizationName?: string}} DemoContact
 * @type {Record<number, DemoContact>}
 */
export const CONTACTS = {
  // The domain's organization (CRM_Core_BAO_Domain::getDomain()->contact_id), as a fresh install
  // has it: no key, no user account. The extension's audit names it as the source of a change
  // made while nobody was logged in (the expiry job's revoke).
  [DOMAIN_CONTACT_ID]: { contactType: 'Organization', organizationName: 'Default Organization', firstName: '', lastName: '', email: '', hash: 'e8d6f2a1c4b7093d5f1e2a3b4c5d6e7f', createdDate: '2026-11-30 04:20:00' },
  2: { firstName: 'Standalone', lastName: 'Admin', email: 'admin@example.org', hash: '201d079c453e019f1c00b10863854620', createdDate: '2026-11-30 04:23:48' },
  3: { firstName: 'Jane', lastName: 'Doe', email: 'jane.doe@example.org', hash: '01a2e3adbc6f53d370898c2114b1f5d8', createdDate: '2026-11-30 04:24:39' },
  4: { firstName: 'Sam', lastName: 'Staffer', email: 'sam.staffer@example.org', hash: '7b1f0c9d2e3a4b5c6d7e8f9a0b1c2d3e', createdDate: '2026-11-30 04:24:55' },
  5: { firstName: 'Kim', lastName: 'Selfkey', email: 'kim.selfkey@example.org', hash: '48d8c03e874249449bd450f7fd08832e', createdDate: '2026-11-30 04:25:29' },
  6: { firstName: 'Rita', lastName: 'Reader', email: 'rita.reader@example.org', hash: '5c0d6f4e3b2a19087f6e5d4c3b2a1908', createdDate: '2026-11-30 04:26:02' },
  ...Object.fromEntries(
    INTEGRATION_IDS.map((id) => {
      const number = String(id - 6).padStart(2, '0');
      const hash = createHash('md5').update(`integration ${id}`).digest('hex');
      return [id, { firstName: 'Integration', lastName: number, email: `integration-${number}@example.org`, hash, createdDate: '2026-11-30 05:00:00' }];
    }),
  ),
};

/** @param {number} contactId */
export function userOfContact(contactId) {
  return Object.values(USERS).find((user) => user.contactId === contactId) ?? null;
}

/** @param {number} contactId */
export function displayName(contactId) {
  const contact = CONTACTS[contactId];
  return contact.organizationName ?? `${contact.firstName} ${contact.lastName}`;
}

/**
 * @param {DemoUser} user
 * @param {string} permission
 * @param {DemoStore} store
 */
export function hasPermission(user, permission, store) {
  if (permission === 'authenticate with api key' && store.hasAuthxGrant(user.contactId)) return true;
  return user.permissions.includes(permission);
}

/** @param {DemoUser | null} user */
export function canReadKeys(user) {
  return user !== null && (user.permissions.includes('administer CiviCRM') || user.permissions.includes('edit api keys'));
}

/**
 * Edit access to the contact record, which core requires of any update, api_key too (wire 38):
 * CRM_Contact_BAO_Contact_Permission::allow($cid, EDIT). `administer CiviCRM` does not imply it:
 * the demo's admin holds `edit all contacts` itself, as Standalone's admin role holds every permission.
 * @param {DemoUser | null} user
 * @param {number} contactId
 */
export function canEditContact(user, contactId) {
  if (user === null) return false;
  const has = (/** @type {string} */ permission) => user.permissions.includes(permission);
  return has('edit all contacts') || (user.contactId === contactId && has('edit my contact'));
}

/**
 * Whether a Contact.get leaves trashed contacts in: CiviCRM adds `is_deleted = FALSE` (the field's
 * default) unless the where names is_deleted, or fetches by id (AbstractGetAction::setDefaultWhereClause).
 * @param {unknown} where
 */
function includesTrash(where) {
  if (!Array.isArray(where)) return false;
  return where.some((clause) => Array.isArray(clause) && (clause[0] === 'is_deleted' || (clause[0] === 'id' && (clause[1] === '=' || clause[1] === 'IN'))));
}

/**
 * `edit api keys` implies `edit own api keys` (README), so readers may always write.
 * @param {DemoUser | null} user
 * @param {number} contactId
 */
export function canWriteKey(user, contactId) {
  return canReadKeys(user) || (user !== null && user.permissions.includes('edit own api keys') && user.contactId === contactId);
}

const NO_STORE_HEADERS = {
  Expires: 'Thu, 19 Nov 1981 08:52:00 GMT',
  'Cache-Control': 'no-store, no-cache, must-revalidate',
  Pragma: 'no-cache',
};

/**
 * @param {number} status
 * @param {unknown} payload
 * @returns {Reply}
 */
export function jsonReply(status, payload) {
  return { status, headers: { ...NO_STORE_HEADERS, 'Content-Type': 'application/json' }, body: JSON.stringify(payload) };
}

/**
 * @param {number} status
 * @param {string} text
 * @returns {Reply}
 */
export function textReply(status, text) {
  return { status, headers: { ...NO_STORE_HEADERS, 'Content-type': 'text/plain;charset=UTF-8' }, body: text };
}

const ERROR_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function errorId() {
  const group = () => Array.from({ length: 4 }, () => ERROR_ID_ALPHABET[randomInt(ERROR_ID_ALPHABET.length)]).join('');
  return `${group()}-${group()}-${group()}`;
}

/** @param {number} status */
export function genericErrorReply(status) {
  return jsonReply(status, {
    error_code: '1',
    error_message: `Sorry an error occurred and your request was not completed. (Error ID: ${errorId()})`,
    status,
  });
}

/**
 * CiviCRM shows an exception's real text only to users with `view debug output` (wire 29).
 * @param {DemoUser | null} user
 * @param {number} status
 * @param {string} message
 */
function errorReply(user, status, message) {
  if (user === null || !user.permissions.includes('view debug output')) return genericErrorReply(status);
  return jsonReply(status, { error_code: 0, error_message: message, status });
}

/** @param {DemoUser | null} user */
export function contactNotFoundReply(user) {
  return errorReply(user, 500, 'Expected one Contact but found 0');
}

export const AJAX_ONLY_REPLY = jsonReply(400, {
  error_code: 400,
  error_message: 'SECURITY ALERT: Ajax requests can only be issued by javascript clients, eg. CRM.api4().',
});

/**
 * @param {string} entity
 * @param {string} action
 * @param {object[]} values
 */
export function valuesReply(entity, action, values) {
  return jsonReply(200, { values, entity, action, debug: null, version: 4, count: values.length, countFetched: values.length });
}

/** The privacy flags of every demo contact, a person or the organization, in wire 05's order. */
const PRIVACY_DEFAULTS = Object.freeze({
  do_not_email: false,
  do_not_phone: false,
  do_not_mail: false,
  do_not_sms: false,
  do_not_trade: false,
  is_opt_out: false,
});

/**
 * The record in the order and shape CiviCRM echoes it (wire 05); `api_key` is left to the caller.
 * @param {number} id
 * @param {DemoStore} store
 * @returns {Record<string, unknown>}
 */
function storedRecord(id, store) {
  const contact = CONTACTS[id];
  if (contact.organizationName !== undefined) return organizationRecord(id, store);
  return {
    id,
    contact_type: 'Individual',
    display_name: displayName(id),
    first_name: contact.firstName,
    last_name: contact.lastName,
    ...PRIVACY_DEFAULTS,
    sort_name: `${contact.lastName}, ${contact.firstName}`,
    preferred_language: 'en_US',
    hash: contact.hash,
    api_key: store.apiKey(id),
    communication_style_id: 1,
    email_greeting_id: 1,
    email_greeting_display: `Dear ${contact.firstName}`,
    postal_greeting_id: 1,
    postal_greeting_display: `Dear ${contact.firstName}`,
    addressee_id: 1,
    addressee_display: displayName(id),
    is_deceased: false,
    is_deleted: store.isTrashed(id),
    created_date: contact.createdDate,
    modified_date: store.modifiedDate(id) ?? contact.createdDate,
    preferred_mail_format: 'Both',
    'email_primary.email': contact.email,
  };
}

/**
 * The domain's organization in the same shape: no names of a person, no greetings, no email.
 * @param {number} id
 * @param {DemoStore} store
 * @returns {Record<string, unknown>}
 */
function organizationRecord(id, store) {
  const contact = CONTACTS[id];
  const name = /** @type {string} */ (contact.organizationName);
  return {
    id,
    contact_type: 'Organization',
    display_name: name,
    first_name: null,
    last_name: null,
    organization_name: name,
    ...PRIVACY_DEFAULTS,
    sort_name: name,
    preferred_language: 'en_US',
    hash: contact.hash,
    api_key: store.apiKey(id),
    communication_style_id: 1,
    email_greeting_id: null,
    email_greeting_display: null,
    postal_greeting_id: null,
    postal_greeting_display: null,
    addressee_id: 3,
    addressee_display: name,
    is_deceased: false,
    is_deleted: store.isTrashed(id),
    created_date: contact.createdDate,
    modified_date: store.modifiedDate(id) ?? contact.createdDate,
    preferred_mail_format: 'Both',
    'email_primary.email': null,
  };
}

/** @param {unknown} value */
function asContactId(value) {
  const id = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof id === 'number' && Number.isInteger(id) ? id : null;
}

class Api4Error extends Error {
  /**
   * @param {number} status
   * @param {string} message
   */
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/**
 * `=`, `!=` and `IN` on any field the viewer may read. A condition on `api_key` from someone who
 * may not read keys is dropped without an error, as CiviCRM does (Api4Query::treeWalkClauses
 * catches the UnauthorizedException of a field the viewer may not see and renders nothing): the
 * answer then lists every contact, without api_key.
 * @param {unknown} where
 * @param {DemoUser | null} user
 * @returns {(record: Record<string, unknown>) => boolean}
 */
function whereFilter(where, user) {
  if (where === undefined) return () => true;
  if (!Array.isArray(where)) throw new Api4Error(500, 'Parameter "where" must be an array.');
  const tests = where.map((clause) => {
    if (!Array.isArray(clause) || typeof clause[0] !== 'string' || typeof clause[1] !== 'string') {
      throw new Api4Error(500, 'Invalid where clause.');
    }
    const [field, operator, expected] = clause;
    if (field === 'api_key' && !canReadKeys(user)) return () => true;
    /** @param {Record<string, unknown>} record */
    const actual = (record) => (field === 'id' ? record.id : record[field]);
    const comparable = field === 'id' ? asContactId : (/** @type {unknown} */ value) => value;
    switch (operator) {
      case '=':
        return (/** @type {Record<string, unknown>} */ record) => actual(record) === comparable(expected);
      case '!=':
      case '<>':
        return (/** @type {Record<string, unknown>} */ record) => actual(record) !== comparable(expected);
      // As CiviCRM renders them for a String field: `(f = "" OR f IS NULL)` and its negation.
      case 'IS EMPTY':
      case 'IS NOT EMPTY': {
        const wanted = operator === 'IS EMPTY';
        return (/** @type {Record<string, unknown>} */ record) => (actual(record) === null || actual(record) === '') === wanted;
      }
      case 'IN':
      case 'NOT IN': {
        if (!Array.isArray(expected)) throw new Api4Error(500, `Operator ${operator} requires an array.`);
        const members = expected.map(comparable);
        const wanted = operator === 'IN';
        return (/** @type {Record<string, unknown>} */ record) => members.includes(actual(record)) === wanted;
      }
      default:
        throw new Api4Error(500, `Illegal operator for ${field}: ${operator}`);
    }
  });
  return (record) => tests.every((test) => test(record));
}

/**
 * @param {Record<string, unknown>} record
 * @param {DemoUser | null} user
 */
function withoutUnreadableFields(record, user) {
  if (canReadKeys(user)) return record;
  const { api_key: _hidden, ...readable } = record;
  return readable;
}

/**
 * The parameters of a get the demo implements. CiviCRM knows more (having, chain, ...); the demo
 * refuses those rather than answer as though they had not been sent.
 */
const GET_PARAMETERS = ['select', 'join', 'where', 'groupBy', 'orderBy', 'limit', 'offset'];

const RECORD_TYPES = { 'Activity Targets': 'targetContactId', 'Activity Source': 'sourceContactId', 'Activity Assignees': null };

/**
 * A quoted string in a join condition: CiviCRM reads the right-hand side of an ON clause as an
 * expression, where `"x"` and `'x'` are strings and a bare word would be a field.
 * @param {unknown} value
 */
function quotedString(value) {
  const match = typeof value === 'string' ? /^(["'])(.*)\1$/.exec(value) : null;
  return match ? match[2] : null;
}

/**
 * The one join the key overview makes: the contact's key-change activities through the
 * ActivityContact bridge, `['Activity AS <alias>', 'LEFT', 'ActivityContact', ...conditions]`,
 * each condition naming the contact's role or the activity type by name. Anything else is refused.
 * @param {unknown} join
 * @returns {{alias: string, role: string | null, activityType: string | null} | null}
 */
function activityJoin(join) {
  if (join === undefined || (Array.isArray(join) && join.length === 0)) return null;
  const [only] = Array.isArray(join) && join.length === 1 && Array.isArray(join[0]) ? join : [];
  const [entity, side, bridge, ...conditions] = only ?? [];
  const alias = typeof entity === 'string' ? /^Activity AS (\w+)$/.exec(entity)?.[1] : undefined;
  if (!alias || side !== 'LEFT' || bridge !== 'ActivityContact') {
    throw new Api4Error(500, "The demo joins only ['Activity AS <alias>', 'LEFT', 'ActivityContact', ...conditions].");
  }
  /** @type {{alias: string, role: string | null, activityType: string | null}} */
  const joined = { alias, role: null, activityType: null };
  for (const condition of conditions) {
    const [field, operator, value] = Array.isArray(condition) ? condition : [];
    const name = quotedString(value);
    if (operator === '=' && field === `${alias}.record_type_id:name` && name !== null && Object.hasOwn(RECORD_TYPES, name)) {
      joined.role = name;
    } else if (operator === '=' && field === `${alias}.activity_type_id:name` && name !== null) {
      joined.activityType = name;
    } else {
      throw new Api4Error(500, `The demo does not implement the join condition ${JSON.stringify(condition)}.`);
    }
  }
  return joined;
}

/**
 * When the newest activity of the join was, for one contact: what MAX(<alias>.activity_date_time)
 * gives in a query grouped by contact. Every activity of the demo is an `apikeytab_key_changed`.
 * @param {{role: string | null, activityType: string | null}} joined
 * @param {number} contactId
 * @param {DemoStore} store
 */
function newestActivityDate(joined, contactId, store) {
  if (joined.activityType !== null && joined.activityType !== 'apikeytab_key_changed') return null;
  const roles = joined.role === null ? ['targetContactId', 'sourceContactId'] : [RECORD_TYPES[joined.role]];
  const dates = store.data.activities
    .filter((activity) => roles.some((role) => role !== null && activity[/** @type {'targetContactId' | 'sourceContactId'} */ (role)] === contactId))
    .map((activity) => activity.date);
  return dates.length === 0 ? null : dates.reduce((newest, date) => (date > newest ? date : newest));
}

/**
 * One item of `select`: a field name, or `RIGHT(<field>, <n>)` / `MAX(<join alias>.activity_date_time)`
 * with an optional ` AS <alias>`. Returns null for an item CiviCRM drops without an error: an
 * unknown field, or one the viewer may not read (wire 14, 24), even inside a function.
 * @param {unknown} item
 * @param {Record<string, unknown>} readableFields a record as the viewer may see it
 * @param {{alias: string, role: string | null, activityType: string | null} | null} joined
 * @param {DemoStore} store
 * @returns {{name: string, value: (record: Record<string, unknown>) => unknown} | null}
 */
function selectItem(item, readableFields, joined, store) {
  if (typeof item !== 'string') throw new Api4Error(500, 'Parameter "select" must be an array of strings.');
  const as = item.lastIndexOf(' AS ');
  const expression = as === -1 ? item : item.slice(0, as);
  const alias = as === -1 ? null : item.slice(as + 4);
  const call = /^(\w+)\((.*)\)$/.exec(expression);
  if (!call) {
    if (alias !== null) throw new Api4Error(500, 'Aliasing field names is not allowed, only expressions can have an alias.');
    return Object.hasOwn(readableFields, expression) ? { name: expression, value: (record) => record[expression] } : null;
  }
  const [, functionName, argumentText] = call;
  if (functionName !== functionName.toUpperCase()) throw new Api4Error(500, 'Sql function must be uppercase.');
  if (alias !== null && Object.hasOwn(readableFields, alias)) throw new Api4Error(500, 'Cannot use existing field name as alias');
  const name = alias ?? `${functionName}:${argumentText.split(',')[0].trim()}`;
  if (functionName === 'RIGHT') {
    const [, field, length] = /^([\w.]+),\s*(\d+)$/.exec(argumentText) ?? [];
    if (!field) throw new Api4Error(500, 'RIGHT needs a field and a number of characters.');
    if (!Object.hasOwn(readableFields, field)) return null;
    // Characters, not bytes, as MySQL's RIGHT() on a utf8mb4 column.
    return { name, value: (record) => (typeof record[field] === 'string' ? [...record[field]].slice(-Number(length)).join('') : null) };
  }
  if (functionName === 'MAX') {
    if (joined === null || !argumentText.startsWith(`${joined.alias}.`)) return null;
    if (argumentText !== `${joined.alias}.activity_date_time`) {
      throw new Api4Error(500, `The demo does not implement MAX(${argumentText}).`);
    }
    return { name, value: (record) => newestActivityDate(joined, /** @type {number} */ (record.id), store) };
  }
  throw new Api4Error(500, `The demo does not implement the SQL function ${functionName}.`);
}

const collator = new Intl.Collator('en', { sensitivity: 'base' });

/**
 * `orderBy` as CiviCRM sorts: NULL first when ascending, text without regard to case or accents
 * (utf8mb4_unicode_ci), on any readable field or a select alias.
 * @param {unknown} orderBy
 * @param {Record<string, unknown>} readableFields
 * @param {string[]} aliases
 * @returns {(a: Record<string, unknown>, b: Record<string, unknown>) => number}
 */
function ordering(orderBy, readableFields, aliases) {
  // Without orderBy, MySQL answers in the order of the index it reads: with the default
  // is_deleted = 0 that is index_is_deleted_sort_name, so sort_name (wire 26: "Standalone Admin"
  // before "Default Organization").
  if (orderBy === undefined) return (a, b) => collator.compare(String(a.sort_name ?? ''), String(b.sort_name ?? '')) || Number(a.id) - Number(b.id);
  if (!orderBy || typeof orderBy !== 'object' || Array.isArray(orderBy)) throw new Api4Error(500, 'Parameter "orderBy" must be an object.');
  const keys = Object.entries(orderBy).map(([field, direction]) => {
    if (direction !== 'ASC' && direction !== 'DESC') throw new Api4Error(500, `Invalid sort direction. Cannot order by ${field} ${direction}`);
    if (!Object.hasOwn(readableFields, field) && !aliases.includes(field)) throw new Api4Error(500, `Invalid field '${field}'`);
    return { field, sign: direction === 'ASC' ? 1 : -1 };
  });
  /** @param {unknown} a @param {unknown} b */
  const compare = (a, b) => {
    if (a === b) return 0;
    if (a === null || a === undefined) return -1;
    if (b === null || b === undefined) return 1;
    return typeof a === 'number' && typeof b === 'number' ? a - b : collator.compare(String(a), String(b));
  };
  return (a, b) => {
    for (const { field, sign } of keys) {
      const difference = compare(a[field], b[field]);
      if (difference !== 0) return sign * difference;
    }
    return 0;
  };
}

/**
 * @param {Record<string, any>} params
 * @param {DemoUser | null} user
 * @param {DemoStore} store
 */
function contactGet(params, user, store) {
  const unknown = Object.keys(params).filter((name) => !GET_PARAMETERS.includes(name));
  if (unknown.length > 0) throw new Api4Error(500, `The demo does not implement the parameter "${unknown[0]}" of Contact.get.`);
  const filter = whereFilter(params.where, user);
  const withTrash = includesTrash(params.where);
  const matches = (/** @type {Record<string, unknown>} */ record) => (withTrash || record.is_deleted !== true) && filter(record);
  // The overview's LEFT join on ApiKeyRecord (demo/lib/lifecycle.mjs). CiviCRM skips a join on an
  // entity the viewer may not get (Api4SelectQuery::addExplicitJoins), so its fields are unknown.
  let keyRecord;
  try {
    keyRecord = splitKeyRecordJoin(params.join);
  } catch (error) {
    throw new Api4Error(500, /** @type {Error} */ (error).message);
  }
  const keyRecordAlias = canReadKeys(user) ? keyRecord.alias : null;
  /** @param {number} id */
  const recordOf = (id) => ({ ...storedRecord(id, store), ...(keyRecordAlias === null ? {} : joinedKeyRecord(store.data.lifecycle, keyRecordAlias, id)) });
  const joined = activityJoin(keyRecord.rest);
  const grouped = params.groupBy === undefined || (Array.isArray(params.groupBy) && params.groupBy.length === 0) ? null : params.groupBy;
  if (grouped !== null && !(Array.isArray(grouped) && grouped.length === 1 && grouped[0] === 'id')) {
    throw new Api4Error(500, 'The demo groups only by id.');
  }
  const select = Array.isArray(params.select) && params.select.length > 0 ? params.select : null;
  const aggregates = (select ?? []).some((item) => typeof item === 'string' && item.startsWith('MAX('));
  // One row per contact is what the demo can answer; CiviCRM would repeat a contact per activity.
  if ((joined !== null || aggregates) && grouped === null) {
    throw new Api4Error(500, 'The demo answers a join or MAX() only with groupBy: ["id"].');
  }
  const limit = Number.isInteger(params.limit) && params.limit > 0 ? params.limit : Infinity;
  const offset = Number.isInteger(params.offset) && params.offset > 0 ? params.offset : 0;

  const readableFields = withoutUnreadableFields(recordOf(2), user);
  const items = select ? select.map((item) => selectItem(item, readableFields, joined, store)).filter((item) => item !== null) : null;
  const sort = ordering(params.orderBy, readableFields, (items ?? []).map((item) => item.name));
  const records = Object.keys(CONTACTS)
    .map((id) => recordOf(Number(id)))
    .filter(matches)
    .map((record) => {
      const readable = withoutUnreadableFields(record, user);
      // The row is what is answered; the record stays at hand because orderBy may name fields
      // that were not selected.
      return { row: items ? Object.fromEntries(items.map((item) => [item.name, item.value(readable)])) : readable, record: readable };
    })
    .sort((a, b) => sort({ ...a.record, ...a.row }, { ...b.record, ...b.row }))
    .slice(offset, offset + limit)
    .map(({ row }) => row);
  return valuesReply('Contact', 'get', records);
}

const API_KEY_COLUMN_WIDTH = 32;

/**
 * The column is varchar(32) and CiviCRM keeps 29 characters plus an ellipsis of anything longer,
 * answering 200 (wire 07, 09). Length counts characters, not bytes.
 * @param {unknown} value
 */
function storedApiKey(value) {
  if (value === null || value === '') return null;
  const text = typeof value === 'string' ? value : String(value);
  const characters = [...text];
  return characters.length > API_KEY_COLUMN_WIDTH ? `${characters.slice(0, API_KEY_COLUMN_WIDTH - 3).join('')}...` : text;
}

/**
 * @typedef {{alterApiKey?: (value: string | null) => string}} UpdateOptions
 * @param {Record<string, any>} params
 * @param {DemoUser | null} user
 * @param {DemoStore} store
 * @param {UpdateOptions} options
 */
async function contactUpdate(params, user, store, options) {
  if (!Array.isArray(params.where) || params.where.length === 0) throw new Api4Error(500, 'Parameter "where" is required.');
  const values = params.values;
  if (!values || typeof values !== 'object' || Array.isArray(values)) throw new Api4Error(500, 'Parameter "values" is required.');
  const [firstClause] = params.where;
  const byId = params.where.length === 1 && Array.isArray(firstClause) && firstClause[0] === 'id' && firstClause[1] === '=';
  const targets = byId
    ? [asContactId(firstClause[2])]
    : Object.keys(CONTACTS).map((id) => storedRecord(Number(id), store)).filter(whereFilter(params.where, user)).map((record) => /** @type {number} */ (record.id));
  if (targets.some((id) => id === null || !Object.hasOwn(CONTACTS, id))) return contactNotFoundReply(user);
  const ids = /** @type {number[]} */ (targets);
  // Any update needs edit access to the contact, on top of the api_key rules (wire 38).
  if (ids.some((id) => !canEditContact(user, id))) throw new Api4Error(403, 'Permission denied to modify contact record');
  const changesKey = Object.hasOwn(values, 'api_key');
  if (changesKey && ids.some((id) => !canWriteKey(user, id))) throw new Api4Error(403, 'Permission denied to modify api key');
  if (changesKey && values.api_key !== null && typeof values.api_key === 'object') throw new Api4Error(500, 'api_key is not a valid string.');
  const records = [];
  for (const id of ids) {
    if (changesKey) {
      const saved = storedApiKey(values.api_key);
      await store.setApiKey(id, options.alterApiKey ? options.alterApiKey(saved) : saved, user?.contactId ?? id);
    }
    const { api_key: apiKey, 'email_primary.email': _email, ...record } = storedRecord(id, store);
    // The echo carries api_key only when it was written, even to users who cannot read keys
    // (wire 23), and not after an update of other fields (wire 17).
    const echo = changesKey ? { ...record, api_key: apiKey } : record;
    records.push(reorderLikeCiviCRM(echo));
  }
  return valuesReply('Contact', 'update', records);
}

/**
 * Puts api_key back where CiviCRM has it (after hash) and appends the trailing fields of an echo.
 * @param {Record<string, unknown>} record
 */
function reorderLikeCiviCRM(record) {
  const ordered = {};
  for (const [field, value] of Object.entries(record)) {
    if (field === 'api_key') continue;
    Object.assign(ordered, { [field]: value });
    if (field === 'hash' && Object.hasOwn(record, 'api_key')) Object.assign(ordered, { api_key: record.api_key });
  }
  return { ...ordered, custom: null, check_permissions: null, contact_id: null };
}

/**
 * One APIv4 call from an authenticated (or anonymous) caller.
 * @param {{entity: string, action: string, params: Record<string, any>, user: DemoUser | null, store: DemoStore, options?: UpdateOptions}} call
 * @returns {Promise<Reply>}
 */
export async function api4(call) {
  const { entity, action, params, user, store, options = {} } = call;
  // Without a session CiviCRM's ACLs hide every contact: 200 and nothing (wire 19).
  if (user === null) return valuesReply(entity, action, []);
  try {
    if (entity === 'Contact' && action === 'get') return contactGet(params, user, store);
    if (entity === 'Contact' && action === 'update') return await contactUpdate(params, user, store, options);
    return errorReply(user, 500, `Api ${entity} ${action} version 4 does not exist.`);
  } catch (error) {
    if (error instanceof Api4Error) return errorReply(user, error.status, error.message);
    throw error;
  }
}

/**
 * What authx makes of a credential on any flow, up to its policy checks (Authenticator::auth()):
 * the extension's checkCredential listener (above core's api_key lookup) refuses an expired key
 * first, whatever the guards (wire 40, 41); then core's api_key lookup, an authx JWT, the user
 * mode of the flow (`require` for legacyrest: "Cannot login. No matching user is available.") and
 * the guards. A key authx accepts has its use recorded (issue 12), on every flow. A refusal is
 * the message alone; each flow answers it in its own way.
 * @param {{bearer: string | null, siteKey: string | null, store: DemoStore, clientIp?: string | null, log?: (line: string) => void, requireUser?: boolean}} credentials
 * @returns {Promise<{ok: true, contactId: number, user: DemoUser | null, cred?: 'jwt'} | {ok: false, message: string}>}
 */
async function checkCredential({ bearer, siteKey, store, clientIp = null, log, requireUser = false }) {
  if (bearer && keyHasExpired(store.data.lifecycle, store.data.apiKeys, bearer, siteTimestamp(new Date()))) {
    return { ok: false, message: 'API key has expired' };
  }
  const contactId = bearer ? store.contactIdWithKey(bearer) : null;
  // Core tries the api_key first, then an authx JWT (demo/lib/tokens.mjs), which skips the guards.
  const jwt = contactId === null && bearer ? authenticateJwt(bearer, store) : null;
  if (jwt && !jwt.ok) return { ok: false, message: jwt.reply.body.replace(/^HTTP 401 /, '') };
  if (jwt && requireUser && jwt.user === null) return { ok: false, message: 'Cannot login. No matching user is available.' };
  if (jwt) return jwt;
  if (contactId === null) return { ok: false, message: 'Invalid credential' };
  const user = userOfContact(contactId);
  if (requireUser && user === null) return { ok: false, message: 'Cannot login. No matching user is available.' };
  const siteKeyGuard = siteKey !== null && siteKey === store.siteKey;
  const permissionGuard = user !== null && hasPermission(user, 'authenticate with api key', store);
  if (!siteKeyGuard && !permissionGuard) return { ok: false, message: 'Login not permitted. Must satisfy guard (site_key, perm).' };
  await recordKeyUse(store, { contactId, apiKey: /** @type {string} */ (bearer), ip: clientIp, log });
  return { ok: true, contactId, user };
}

/**
 * What `civicrm/authx/id` (and any call authenticated by X-Civi-Auth) resolves a key to; a refusal
 * is authx's 401 text/plain `HTTP 401 <message>`.
 * @param {{bearer: string | null, siteKey: string | null, store: DemoStore, clientIp?: string | null, log?: (line: string) => void}} credentials
 * @returns {Promise<{ok: true, contactId: number, user: DemoUser | null, cred?: 'jwt'} | {ok: false, reply: Reply}>}
 */
export async function authenticateApiKey(credentials) {
  const result = await checkCredential(credentials);
  return result.ok ? result : { ok: false, reply: textReply(401, `HTTP 401 ${result.message}`) };
}

/**
 * Legacy REST through authx (flow `legacyrest`, wire 42): `civicrm/ajax/rest` with `api_key` and
 * `key` (the site key, for the site_key guard) as request parameters. authx's
 * LegacyRestAuthenticator answers a refusal with HTTP 200 `text/javascript`
 * `{"error_message":"FATAL: <message>","is_error":1}` and needs a user account (authx_legacyrest_user
 * `require`). The demo answers APIv3 Contact.get only, with `return` id as in the capture (contact_id,
 * contact_is_deleted, id, as strings; trashed contacts left out; sorted by sort_name; `options.limit`,
 * default 25; `sequential`); any other entity or action is refused in APIv3's error shape.
 * @param {{query: URLSearchParams, body: URLSearchParams, store: DemoStore, clientIp?: string | null, log?: (line: string) => void}} request
 * @returns {Promise<Reply>}
 */
export async function legacyRest({ query, body, store, clientIp = null, log }) {
  const param = (/** @type {string} */ name) => body.get(name) ?? query.get(name);
  const v3Error = (/** @type {string} */ message) => ({ status: 200, headers: { ...NO_STORE_HEADERS, 'Content-Type': 'text/javascript' }, body: JSON.stringify({ error_message: message, is_error: 1 }) });
  const apiKey = param('api_key') ?? '';
  const siteKey = param('key');
  if (apiKey === '' && (siteKey === null || siteKey === '')) {
    return v3Error('The demo answers civicrm/ajax/rest only with api_key and key (the legacyrest flow of authx).');
  }
  // MySQL ignores trailing spaces when core compares `api_key = %1`; leading ones count.
  const bearer = apiKey.replace(/ +$/, '');
  const result = await checkCredential({ bearer: bearer === '' ? null : bearer, siteKey, store, clientIp, log, requireUser: true });
  if (!result.ok) return v3Error(`FATAL: ${result.message}`);
  const user = /** @type {DemoUser} */ (result.user);
  const entity = (param('entity') ?? '').toLowerCase();
  const action = (param('action') ?? '').toLowerCase();
  if (entity !== 'contact' || action !== 'get') return v3Error(`The demo implements only Contact.get over legacy REST, not ${param('entity')}.${param('action')}.`);
  if (!user.permissions.includes('access CiviCRM')) return v3Error('API permission check failed for Contact/get call; insufficient permission: require access CiviCRM');
  let json = {};
  try {
    json = JSON.parse(param('json') ?? '{}') ?? {};
  } catch {
    return v3Error('Unable to decode supplied JSON.');
  }
  const options = /** @type {Record<string, any>} */ (json).options ?? {};
  const limit = Number.isInteger(Number(options.limit)) && Number(options.limit) >= 0 ? Number(options.limit) : 25;
  const ids = Object.keys(CONTACTS)
    .map(Number)
    .filter((id) => !store.isTrashed(id))
    .sort((a, b) => collator.compare(String(storedRecord(a, store).sort_name), String(storedRecord(b, store).sort_name)) || a - b);
  const chosen = limit === 0 ? ids : ids.slice(0, limit);
  const rows = chosen.map((id) => ({ contact_id: String(id), contact_is_deleted: '0', id: String(id) }));
  const sequential = [1, '1', true].includes(/** @type {any} */ (json).sequential);
  /** @type {Record<string, unknown>} */
  const answer = { is_error: 0, version: 3, count: rows.length };
  if (rows.length === 1) answer.id = chosen[0];
  answer.values = sequential ? rows : Object.fromEntries(rows.map((row) => [row.id, row]));
  return { status: 200, headers: { ...NO_STORE_HEADERS, 'Content-Type': 'application/json' }, body: JSON.stringify(answer) };
}

/**
 * `GET civicrm/authx/id`: a logged-in session wins over any key (the trap of wire 33, 34).
 * @param {{sessionUser: DemoUser | null, bearer: string | null, siteKey: string | null, store: DemoStore, clientIp?: string | null, log?: (line: string) => void}} request
 */
export async function authxId({ sessionUser, bearer, siteKey, store, clientIp = null, log }) {
  if (sessionUser !== null) {
    return jsonReply(200, { contact_id: sessionUser.contactId, user_id: sessionUser.userId, flow: 'already-logged-in', cred: 'already-logged-in' });
  }
  if (bearer === null) return jsonReply(200, { contact_id: null, user_id: null, flow: null, cred: null });
  const result = await authenticateApiKey({ bearer, siteKey, store, clientIp, log });
  if (!result.ok) return result.reply;
  return jsonReply(200, { contact_id: result.contactId, user_id: result.user?.userId ?? null, flow: 'xheader', cred: 'cred' in result ? result.cred : 'api_key' });
}
