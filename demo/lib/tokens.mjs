// Short-lived tokens as CiviCRM's authx makes and checks them (../shared/civicrm/README.md
// "Short-lived tokens", wire 43-45): APIv4 AuthxCredential.create signs a JWT (HS256) with the
// site's signing key; authx accepts it until its `exp`, whatever the guards, and refuses it after.
// Written from those observations and core's behaviour (ext/authx: AuthxCredential/Create.php,
// CheckCredential.php, Authenticator.php), not from its code.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { CONTACTS, USERS, genericErrorReply, hasPermission, jsonReply, textReply, userOfContact, valuesReply } from './civicrm.mjs';
import { isAjax, readBody, sessionToken } from './http.mjs';
import { civicrmTimestamp } from './store.mjs';

const TOKEN_PERMISSION = 'generate any authx credential';

/**
 * What the demo keeps about tokens, in the data file: its signing key (the stand-in for
 * CIVICRM_SIGN_KEYS), whether the site has one, and the audit activities of issued tokens
 * (type `apikeytab_token_issued` on the PHP side; kept apart from the key changes, which the
 * tab's "Last changed" and the overview read). Never a token.
 * @typedef {{id: number, subject: string, date: string, sourceContactId: number, targetContactId: number}} TokenActivity
 * @typedef {{secret: string, signing: boolean, activities: TokenActivity[]}} TokenData
 */

/** @returns {TokenData} */
function seedTokens() {
  return { secret: randomBytes(32).toString('base64url'), signing: true, activities: [] };
}

/**
 * @param {unknown} raw
 * @returns {TokenData}
 */
function normalizeTokens(raw) {
  const data = seedTokens();
  const given = /** @type {Record<string, any>} */ (raw && typeof raw === 'object' ? raw : {});
  if (typeof given.secret === 'string' && given.secret.length >= 32) data.secret = given.secret;
  if (typeof given.signing === 'boolean') data.signing = given.signing;
  for (const activity of Array.isArray(given.activities) ? given.activities : []) {
    const { id, subject, date, sourceContactId, targetContactId } = activity ?? {};
    if (Number.isInteger(id) && typeof subject === 'string' && subject.startsWith('Temporary token issued') && typeof date === 'string' && Number.isInteger(sourceContactId) && Number.isInteger(targetContactId)) {
      data.activities.push({ id, subject, date, sourceContactId, targetContactId });
    }
  }
  return data;
}

/** Stores whose `tokens` were checked since they were read from the file. */
const checked = new WeakSet();

/**
 * The store's token data, read from the file as it came (store.mjs keeps `tokens` as it is, so
 * that it need not import this module) and checked here on first use.
 * @param {import('./store.mjs').DemoStore} store
 * @returns {TokenData}
 */
function tokensOf(store) {
  const data = /** @type {{tokens?: unknown}} */ (store.data);
  if (!checked.has(store)) {
    data.tokens = normalizeTokens(data.tokens);
    checked.add(store);
  }
  return /** @type {TokenData} */ (data.tokens);
}

/**
 * The tab's `token` binding (docs/design-1.1.md): null unless the viewer may create tokens.
 * @param {import('./civicrm.mjs').DemoUser} user
 * @param {import('./store.mjs').DemoStore} store
 */
export function tokenBinding(user, store) {
  return hasPermission(user, TOKEN_PERMISSION, store) ? { signing: tokensOf(store).signing } : null;
}

/** @param {string} text */
const base64url = (text) => Buffer.from(text).toString('base64url');

/**
 * header.payload.signature as firebase/php-jwt writes it for core: header {typ, alg, kid}, the
 * claims in the order core gives them, HMAC-SHA256 over the first two parts.
 * @param {TokenData} tokens
 * @param {Record<string, unknown>} claims
 */
function sign(tokens, claims) {
  // Core names the key by an id in the JWT header; the demo's is derived from its secret.
  const kid = createHash('sha1').update(tokens.secret).digest('base64url');
  const body = `${base64url(JSON.stringify({ typ: 'JWT', alg: 'HS256', kid }))}.${base64url(JSON.stringify(claims))}`;
  return `${body}.${createHmac('sha256', tokens.secret).update(body).digest('base64url')}`;
}

/** @param {unknown} value */
function asInteger(value) {
  const number = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  return typeof number === 'number' && Number.isInteger(number) ? number : null;
}

/**
 * PHP's is_numeric() then (int): a finite number or a numeric string (blanks around it allowed,
 * decimals and exponents too), cut towards zero; null for anything else.
 * @param {unknown} value
 */
function numericTtl(value) {
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/.test(value) ? Number(value) : NaN;
  return Number.isFinite(number) ? Math.trunc(number) || 0 : null;
}

/**
 * CiviCRM shows an exception's text only to users with `view debug output` (wire 29).
 * @param {import('./civicrm.mjs').DemoUser} user
 * @param {string} message
 */
function serverError(user, message) {
  return user.permissions.includes('view debug output') ? jsonReply(500, { error_code: 0, error_message: message, status: 500 }) : genericErrorReply(500);
}

/**
 * APIv4 AuthxCredential.<action>. Only create is implemented: `contactId` (required), `ttl`
 * seconds (default 300, no maximum, as core). Every token issued records its audit activity.
 * @param {{action: string, params: Record<string, any>, user: import('./civicrm.mjs').DemoUser | null, store: import('./store.mjs').DemoStore}} call
 */
export async function tokenApi4({ action, params, user, store }) {
  // The permission is the entity's (wire 45): generic 403, the same for the anonymous.
  if (user === null || !hasPermission(user, TOKEN_PERMISSION, store)) return genericErrorReply(403);
  if (action !== 'create') return serverError(user, `The demo does not implement AuthxCredential.${action}.`);
  const contactId = asInteger(params.contactId);
  if (contactId === null) return serverError(user, 'Parameter "contactId" is required.');
  // Core: `protected $ttl = 300;` typed `@var int`, no minimum and no maximum
  // (ext/authx/Civi/Api4/Action/AuthxCredential/Create.php); the setter casts a numeric value to
  // int (ReflectionUtils::castTypeSoftly: is_numeric, then (int), so 12.5 and "12.5" are 12) and
  // `exp` is time() + ttl. So 0 and negative ttls are accepted and make a token that is expired
  // from the start (authx refuses it: "Expired token"); anything not numeric fails (500).
  const ttl = params.ttl === undefined ? 300 : numericTtl(params.ttl);
  if (ttl === null) return serverError(user, 'Parameter "ttl" is not an integer.');
  const tokens = tokensOf(store);
  // Core's crypto registry has no key tagged SIGN without CIVICRM_SIGN_KEYS.
  if (!tokens.signing) return serverError(user, 'Failed to find key by ID or tag (SIGN)');
  const exp = Math.floor(Date.now() / 1000) + ttl;
  const jwt = sign(tokens, { exp, sub: `cid:${contactId}`, scope: 'authx' });
  if (Object.hasOwn(CONTACTS, contactId)) {
    const id = Math.max(0, ...tokens.activities.map((activity) => activity.id)) + 1;
    const subject = `Temporary token issued (valid until ${civicrmTimestamp(new Date(exp * 1000))})`;
    tokens.activities.push({ id, subject, date: civicrmTimestamp(new Date()), sourceContactId: user.contactId, targetContactId: contactId });
    await store.save();
  }
  return valuesReply('AuthxCredential', 'create', [{ cred: `Bearer ${jwt}` }]);
}

/**
 * What authx makes of a Bearer credential that is no api_key: an authx JWT of this site's signing
 * key (then it passes the guards: the site signed it), an expired one ("Expired token"), or null
 * when it is not one (then authx answers "Invalid credential"). Without a signing key no JWT checks out.
 * @param {string} bearer
 * @param {import('./store.mjs').DemoStore} store
 * @returns {{ok: true, contactId: number, user: import('./civicrm.mjs').DemoUser | null, cred: 'jwt'} | {ok: false, reply: import('./civicrm.mjs').Reply} | null}
 */
export function authenticateJwt(bearer, store) {
  const tokens = tokensOf(store);
  const parts = bearer.split('.');
  if (!tokens.signing || parts.length !== 3) return null;
  /** @type {any} */
  let header;
  /** @type {any} */
  let claims;
  try {
    header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (header?.alg !== 'HS256' || !claims || typeof claims !== 'object') return null;
  const expected = createHmac('sha256', tokens.secret).update(`${parts[0]}.${parts[1]}`).digest();
  const given = Buffer.from(parts[2], 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  // firebase/php-jwt: expired once now >= exp; core turns that into this rejection.
  if (typeof claims.exp === 'number' && Date.now() / 1000 >= claims.exp) return { ok: false, reply: textReply(401, 'HTTP 401 Expired token') };
  const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ') : [];
  if (!scopes.includes('authx')) return null;
  const contactId = typeof claims.sub === 'string' && claims.sub.startsWith('cid:') ? asInteger(claims.sub.slice(4)) : null;
  if (contactId === null) return { ok: false, reply: textReply(401, 'HTTP 401 Malformed JWT. Must specify the contact ID.') };
  if (!Object.hasOwn(CONTACTS, contactId)) return { ok: false, reply: textReply(401, `HTTP 401 Contact ID ${contactId} is invalid`) };
  return { ok: true, contactId, user: userOfContact(contactId), cred: 'jwt' };
}

/**
 * `POST /demo/signing {"enabled": false}`: the site loses (or gets back) its signing key, as if
 * CIVICRM_SIGN_KEYS were removed from civicrm.settings.php. For the administrator; null for any
 * other path.
 * @param {{request: import('node:http').IncomingMessage, path: string, user: import('./civicrm.mjs').DemoUser | null, store: import('./store.mjs').DemoStore}} control
 */
export async function tokenControl({ request, path, user, store }) {
  if (path !== '/demo/signing') return null;
  if (request.method !== 'POST') {
    const reply = jsonReply(405, { error_message: 'POST only.' });
    reply.headers.Allow = 'POST';
    return reply;
  }
  if (!isAjax(request)) return jsonReply(400, { error_message: 'Send X-Requested-With: XMLHttpRequest.' });
  const body = await readBody(request);
  if (sessionToken(request) === null || user === null) return jsonReply(401, { error_message: 'Log in first: open /?user=admin.' });
  if (user !== USERS.admin) return jsonReply(403, { error_message: 'Only the administrator may do this.' });
  let input;
  try {
    input = JSON.parse(body);
  } catch {
    input = null;
  }
  if (typeof input?.enabled !== 'boolean') return jsonReply(400, { error_message: 'Send {"enabled": true or false}.' });
  tokensOf(store).signing = input.enabled;
  await store.save();
  return jsonReply(200, { signing: input.enabled });
}
