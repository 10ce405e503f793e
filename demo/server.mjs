// `npm start`: the API Key tab on a page laid out like CiviCRM's contact summary, served with a
// stand-in for the parts of CiviCRM the tab talks to (see PRODUCT.md, "Try it without CiviCRM").
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { refreshBundle } from './lib/bundle.mjs';
import {
  AJAX_ONLY_REPLY,
  CONTACTS,
  DEFAULT_USER,
  USERS,
  api4,
  authenticateApiKey,
  authxId,
  canReadKeys,
  contactNotFoundReply,
  genericErrorReply,
  jsonReply,
  legacyRest,
  valuesReply,
} from './lib/civicrm.mjs';
import { FaultBoard, alteredApiKey, parseFaultRequest } from './lib/faults.mjs';
import { RequestTooLarge, bearerKey, isAjax, readBody, sessionCookie, sessionToken, singleHeader } from './lib/http.mjs';
import { renderAccessDenied, renderContactSummary, renderKeyOverview } from './lib/page.mjs';
import { DemoStore, GRANTABLE_CONTACT_IDS } from './lib/store.mjs';
import { keyRecordApi4 } from './lib/keyRecords.mjs';
import { tokenApi4, tokenControl } from './lib/tokens.mjs';
import { clientAddress } from './lib/lifecycle.mjs';
import { SETTINGS_PATH, lifecycleControl, settingsPage } from './lib/lifecycleRoutes.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const API_KEY_COLUMN_WIDTH = 32;

const JAVASCRIPT = 'text/javascript; charset=utf-8';
/** Everything the server will read from disk: an exact-match table, so no path can wander off. */
const STATIC_FILES = new Map([
  ['/assets/jquery.min.js', { file: 'node_modules/jquery/dist/jquery.min.js', type: JAVASCRIPT }],
  ['/assets/angular.min.js', { file: 'node_modules/angular/angular.min.js', type: JAVASCRIPT }],
  ['/demo/crm-runtime.js', { file: 'demo/public/crm-runtime.js', type: JAVASCRIPT }],
  ['/demo/demo-page.js', { file: 'demo/public/demo-page.js', type: JAVASCRIPT }],
  ['/demo/demo.css', { file: 'demo/public/demo.css', type: 'text/css; charset=utf-8' }],
  ['/js/crmApiKey.js', { file: 'js/crmApiKey.js', type: JAVASCRIPT }],
  ['/js/crmApiKeyOverview.js', { file: 'js/crmApiKeyOverview.js', type: JAVASCRIPT }],
  // CiviCRM loads the styles named in ang/*.ang.php with the module.
  ['/css/crmApiKey.css', { file: 'css/crmApiKey.css', type: 'text/css; charset=utf-8' }],
]);

const HTML_PAGE_OF_A_PHP_FATAL = `<!DOCTYPE html>
<html><head><title>Server Error</title></head>
<body><h1>Server Error</h1><p>PHP Fatal error: Uncaught Error: Call to a member function fetch() on null in /var/www/civicrm/CRM/Core/DAO.php:512</p></body></html>
`;

/**
 * @typedef {import('node:http').IncomingMessage} Request
 * @typedef {import('node:http').ServerResponse} Response
 * @typedef {import('./lib/civicrm.mjs').Reply} Reply
 * @typedef {import('./lib/civicrm.mjs').DemoUser} DemoUser
 */

/**
 * @param {Response} response
 * @param {Reply} reply
 */
function send(response, reply) {
  // No keep-alive: Chromium silently resends a request whose reused connection drops before any
  // answer, which would swallow the "network" fault. Every call on a fresh connection fails for real.
  response.writeHead(reply.status, { ...reply.headers, 'Content-Length': Buffer.byteLength(reply.body), Connection: 'close' });
  response.end(response.req.method === 'HEAD' ? undefined : reply.body);
}

/**
 * @param {number} status
 * @param {string} text
 * @param {Record<string, string>} [headers]
 * @returns {Reply}
 */
function plainReply(status, text, headers = {}) {
  return { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...headers }, body: `${text}\n` };
}

/** @param {string[]} allowed */
function methodNotAllowed(allowed) {
  return plainReply(405, 'Method Not Allowed', { Allow: allowed.join(', ') });
}

/** @param {string} text */
function parseJsonObject(text) {
  try {
    const value = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? value : null;
  } catch {
    return null;
  }
}

/** @param {string} host */
function urlHost(host) {
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * @param {{host?: string, port?: number, dataFile?: string, log?: (line: string) => void}} [options]
 * @returns {Promise<{url: string, close: () => Promise<void>}>}
 */
export async function startDemoServer({ host = '127.0.0.1', port = 8080, dataFile = join(root, '.demo-data', 'demo.json'), log = () => {} } = {}) {
  const store = await DemoStore.open(dataFile, log);
  const faults = new FaultBoard();
  /** @type {Map<string, number>} */
  const requestCounts = new Map();
  /** @type {Set<{timer: NodeJS.Timeout, wake: () => void}>} */
  const sleepers = new Set();
  let closing = false;
  /** The site's base URL, as CIVICRM_UF_BASEURL (known once the server listens). */
  let siteUrl = '';

  /** @param {number} milliseconds resolves false when the server closes first */
  const sleep = (milliseconds) =>
    new Promise((wake) => {
      const sleeper = { timer: setTimeout(() => { sleepers.delete(sleeper); wake(true); }, milliseconds), wake: () => wake(false) };
      sleepers.add(sleeper);
    });

  /** @param {string} name */
  const count = (name) => requestCounts.set(name, (requestCounts.get(name) ?? 0) + 1);

  /** @param {Request} request */
  const session = (request) => {
    const token = sessionToken(request);
    const name = token ? store.sessionUser(token) : null;
    const user = name !== null && Object.hasOwn(USERS, name) ? USERS[name] : null;
    return { token: user ? token : null, user };
  };

  /**
   * Who views a page: `?user=` switches (and sets the session cookie), a session keeps, and landing
   * without either logs in as the administrator, so `npm start` shows the tab at once.
   * @param {Request} request
   * @param {URL} url
   * @returns {Promise<{ok: true, user: DemoUser, headers: Record<string, string>} | {ok: false, reply: Reply}>}
   */
  async function pageViewer(request, url) {
    const requestedUser = url.searchParams.get('user');
    if (requestedUser !== null && !Object.hasOwn(USERS, requestedUser)) {
      return { ok: false, reply: plainReply(400, `Unknown user "${requestedUser}": use ${Object.keys(USERS).join(', ')}.`) };
    }
    /** @type {Record<string, string>} */
    const headers = {};
    let user = session(request).user;
    const wantedUser = requestedUser ?? (user ? null : DEFAULT_USER);
    if (wantedUser !== null && user?.name !== wantedUser) {
      user = USERS[wantedUser];
      headers['Set-Cookie'] = sessionCookie(await store.createSession(wantedUser));
    }
    return { ok: true, user: /** @type {DemoUser} */ (user), headers };
  }

  /**
   * @param {number} status
   * @param {string} html
   * @param {Record<string, string>} headers
   * @returns {Reply}
   */
  const htmlReply = (status, html, headers) => ({
    status,
    headers: { ...headers, 'Content-Type': 'text/html; charset=UTF-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' },
    body: html,
  });

  /**
   * @param {Request} request
   * @param {URL} url
   * @returns {Promise<Reply>}
   */
  async function contactSummaryPage(request, url) {
    const viewer = await pageViewer(request, url);
    if (!viewer.ok) return viewer.reply;
    const { user, headers } = viewer;
    const cidParameter = url.searchParams.get('cid');
    const contactId = cidParameter === null ? (user.name === 'self' ? user.contactId : 3) : Number(cidParameter);
    if (!Object.hasOwn(CONTACTS, contactId)) return plainReply(404, `No contact ${cidParameter} in this demo: use 1 to 46.`, headers);
    const html = await renderContactSummary({ root, user, contactId, selectedTab: url.searchParams.get('selectedChild') ?? 'summary', store });
    return htmlReply(200, html, headers);
  }

  /**
   * Administer > Users and Permissions > API Keys, for the route's permissions
   * (xml/Menu/apikeytab.xml: administer CiviCRM or edit api keys); CiviCRM answers others with its
   * "You do not have permission" page and HTTP 403.
   * @param {Request} request
   * @param {URL} url
   * @returns {Promise<Reply>}
   */
  async function keyOverviewPage(request, url) {
    const viewer = await pageViewer(request, url);
    if (!viewer.ok) return viewer.reply;
    const { user, headers } = viewer;
    if (!canReadKeys(user)) return htmlReply(403, renderAccessDenied({ user }), headers);
    return htmlReply(200, await renderKeyOverview({ root, user }), headers);
  }

  /**
   * @param {Request} request
   * @param {Response} response
   * @param {string} entity
   * @param {string} action
   * @returns {Promise<Reply | null>} null when the connection was dropped on purpose
   */
  async function api4Call(request, response, entity, action) {
    count(`${entity}.${action}`);
    const body = await readBody(request);
    const current = session(request);
    /** @type {DemoUser | null} */
    let user = current.user;
    const bearer = bearerKey(request);
    if (user === null && bearer !== null) {
      // A stateless api key call (the curl example of the tab) needs no X-Requested-With.
      const result = await authenticateApiKey({ bearer, siteKey: singleHeader(request, 'x-civi-key'), store, clientIp: clientAddress(request.socket.remoteAddress), log });
      if (!result.ok) return result.reply;
      user = result.user;
    } else if (!isAjax(request)) {
      return AJAX_ONLY_REPLY;
    }
    const params = parseJsonObject(new URLSearchParams(body).get('params') ?? '{}');
    if (params === null) return jsonReply(400, { error_code: 400, error_message: 'The params field is not a JSON object.' });

    const fault = faults.take(current.token, action);
    switch (fault?.fault) {
      case 'network':
        response.socket?.destroy();
        return null;
      case '403':
        return genericErrorReply(403);
      case '500':
        return genericErrorReply(500);
      case 'html':
        return { status: 500, headers: { 'Content-Type': 'text/html; charset=UTF-8', 'Cache-Control': 'no-store' }, body: HTML_PAGE_OF_A_PHP_FATAL };
      case 'deleted':
        return contactNotFoundReply(user);
      case 'loggedout':
        return valuesReply(entity, action, []);
      case 'slow':
        if (!(await sleep(fault.delayMs))) return null;
        break;
      default:
        break;
    }
    if (entity === 'ApiKeyRecord') return keyRecordApi4({ action, params, user, store, siteUrl });
    if (entity === 'AuthxCredential') return tokenApi4({ action, params, user, store });
    return api4({ entity, action, params, user, store, options: fault?.fault === 'altered' ? { alterApiKey: alteredApiKey } : {} });
  }

  /**
   * The demo's own controls; each needs a logged-in session and X-Requested-With, like the API.
   * @param {Request} request
   * @param {string} path
   * @returns {Promise<Reply>}
   */
  async function demoControl(request, path) {
    const method = request.method ?? 'GET';
    const tokenReply = await tokenControl({ request, path, user: session(request).user, store });
    if (tokenReply !== null) return tokenReply;
    const lifecycleReply = await lifecycleControl({ request, path, user: session(request).user, store, siteUrl });
    if (lifecycleReply !== null) return lifecycleReply;
    if (path === '/demo/requests' && method === 'GET') return jsonReply(200, { counts: Object.fromEntries(requestCounts) });
    const allowed = { '/demo/faults': ['POST', 'DELETE'], '/demo/requests': ['GET', 'DELETE'], '/demo/set-key': ['POST'], '/demo/authx-grant': ['POST'], '/demo/trash': ['POST'] }[path];
    if (!allowed) return plainReply(404, 'Not Found');
    if (!allowed.includes(method)) return methodNotAllowed(allowed);
    if (!isAjax(request)) return AJAX_ONLY_REPLY;
    const body = await readBody(request);
    if (path === '/demo/requests') {
      requestCounts.clear();
      return jsonReply(200, { counts: {} });
    }
    const current = session(request);
    if (current.token === null || current.user === null) return jsonReply(401, { error_message: 'Log in first: open /?user=admin, /?user=self or /?user=staff.' });
    if (path === '/demo/faults') {
      if (method === 'DELETE') {
        faults.disarm(current.token);
        return jsonReply(200, { armed: null });
      }
      const parsed = parseFaultRequest(parseJsonObject(body));
      if (!parsed.ok) return jsonReply(400, { error_message: parsed.message });
      faults.arm(current.token, parsed.armed);
      return jsonReply(200, { armed: parsed.armed });
    }
    if (!canReadKeys(current.user)) return jsonReply(403, { error_message: 'Only the administrator may do this.' });
    const input = parseJsonObject(body) ?? {};
    if (path === '/demo/trash') {
      // Contact.delete with useTrash, and its restore: is_deleted only; the key stays (wire 35).
      if (!current.user.permissions.includes('administer CiviCRM')) return jsonReply(403, { error_message: 'Only the administrator may do this.' });
      if (!Object.hasOwn(CONTACTS, input.contactId) || typeof input.trashed !== 'boolean') {
        return jsonReply(400, { error_message: 'Send {"contactId": a contact of this demo, "trashed": true or false}.' });
      }
      await store.setTrashed(input.contactId, input.trashed);
      return jsonReply(200, { contact_id: input.contactId, trashed: input.trashed });
    }
    const contactId = input.cid;
    if (path === '/demo/set-key') {
      const apiKey = input.api_key;
      if (!Object.hasOwn(CONTACTS, contactId)) return jsonReply(400, { error_message: '"cid" must be a contact of this demo, 2 to 46.' });
      if (!(apiKey === null || (typeof apiKey === 'string' && apiKey !== '' && [...apiKey].length <= API_KEY_COLUMN_WIDTH))) {
        return jsonReply(400, { error_message: '"api_key" must be null or a string of 1 to 32 characters.' });
      }
      await store.setApiKey(contactId, apiKey, current.user.contactId);
      return jsonReply(200, { contact_id: contactId, has_key: apiKey !== null });
    }
    if (!GRANTABLE_CONTACT_IDS.includes(contactId) || typeof input.granted !== 'boolean') {
      return jsonReply(400, { error_message: `Send {"cid": ${GRANTABLE_CONTACT_IDS.join(' or ')}, "granted": true or false}.` });
    }
    await store.setAuthxGrant(contactId, input.granted);
    return jsonReply(200, { contact_id: contactId, granted: input.granted });
  }

  /**
   * @param {Request} request
   * @param {Response} response
   * @param {URL} url
   * @returns {Promise<Reply | null>}
   */
  async function route(request, response, url) {
    const method = request.method ?? 'GET';
    const path = url.pathname;
    const page = { '/': contactSummaryPage, '/civicrm/contact/view': contactSummaryPage, '/civicrm/admin/apikeys': keyOverviewPage }[path];
    if (page) return method === 'GET' || method === 'HEAD' ? page(request, url) : methodNotAllowed(['GET', 'HEAD']);
    if (path === SETTINGS_PATH) {
      if (method === 'POST') {
        // A form post changes settings only within a session: landing logs in, posting does not.
        const { user } = session(request);
        if (user === null) return plainReply(401, 'Log in first: open /?user=admin.');
        return settingsPage({ method, user, headers: {}, body: await readBody(request), store });
      }
      if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(['GET', 'HEAD', 'POST']);
      const viewer = await pageViewer(request, url);
      return viewer.ok ? settingsPage({ method, user: viewer.user, headers: viewer.headers, body: '', store }) : viewer.reply;
    }
    const staticFile = STATIC_FILES.get(path);
    if (staticFile) {
      if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(['GET', 'HEAD']);
      const content = await readFile(join(root, staticFile.file), 'utf8').catch(() => null);
      if (content === null) return plainReply(404, 'Not Found');
      return { status: 200, headers: { 'Content-Type': staticFile.type, 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' }, body: content };
    }
    const api4Path = /^\/civicrm\/ajax\/api4\/([A-Za-z]+)\/([A-Za-z]+)$/.exec(path);
    if (api4Path) return method === 'POST' ? api4Call(request, response, api4Path[1], api4Path[2]) : methodNotAllowed(['POST']);
    if (path === '/civicrm/authx/id') {
      if (method !== 'GET' && method !== 'POST') return methodNotAllowed(['GET', 'POST']);
      count('authx.id');
      return authxId({ sessionUser: session(request).user, bearer: bearerKey(request), siteKey: singleHeader(request, 'x-civi-key'), store, clientIp: clientAddress(request.socket.remoteAddress), log });
    }
    if (path === '/civicrm/ajax/rest') {
      // Legacy REST with api_key and key (authx flow legacyrest, wire 42); answered without regard
      // to a session cookie.
      if (method !== 'GET' && method !== 'POST') return methodNotAllowed(['GET', 'POST']);
      count('ajax.rest');
      const body = method === 'POST' ? new URLSearchParams(await readBody(request)) : new URLSearchParams();
      return legacyRest({ query: url.searchParams, body, store, clientIp: clientAddress(request.socket.remoteAddress), log });
    }
    if (path.startsWith('/demo/')) return demoControl(request, path);
    return plainReply(404, 'Not Found');
  }

  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://demo.invalid');
    // Paths only: a query string or body could carry a key.
    response.on('finish', () => log(`${request.method} ${url.pathname} ${response.statusCode}`));
    try {
      const reply = await route(request, response, url);
      if (reply !== null && !response.destroyed) send(response, reply);
    } catch (error) {
      if (error instanceof RequestTooLarge) {
        send(response, plainReply(413, 'Payload Too Large', { Connection: 'close' }));
        return;
      }
      log(`apikeytab demo: ERROR ${request.method} ${url.pathname}: ${/** @type {Error} */ (error).message}`);
      if (!response.headersSent && !response.destroyed) send(response, plainReply(500, 'Internal Server Error'));
    }
  });

  await new Promise((listening, failed) => {
    server.once('error', failed);
    server.listen(port, host, () => listening(undefined));
  });
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  siteUrl = `http://${urlHost(host)}:${address.port}/`;

  return {
    url: siteUrl,
    async close() {
      if (closing) return;
      closing = true;
      for (const sleeper of sleepers) {
        clearTimeout(sleeper.timer);
        sleeper.wake();
      }
      sleepers.clear();
      const closed = new Promise((done) => server.close(() => done(undefined)));
      server.closeAllConnections();
      await closed;
      await store.close();
    },
  };
}

async function main() {
  const port = Number(process.env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`apikeytab demo: PORT must be a port number, not "${process.env.PORT}".`);
    process.exit(1);
  }
  const warn = (/** @type {string} */ line) => console.error(line);
  await refreshBundle(root, warn);
  const demo = await startDemoServer({
    host: process.env.HOST || '127.0.0.1',
    port,
    dataFile: process.env.DEMO_DATA ? resolve(process.env.DEMO_DATA) : undefined,
    log: warn,
  });
  console.log(`apikeytab demo: ${demo.url}`);
  const stop = async () => {
    await demo.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
