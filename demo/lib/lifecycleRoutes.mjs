// The demo's pages and controls for the key lifecycle: the settings form CiviCRM's setting-admin
// mixin makes at civicrm/admin/setting/apikeytab, and POST /demo/expire-now, POST /demo/run-job,
// GET /demo/mail (what the daily job would have mailed: never any part of a key).
import { AJAX_ONLY_REPLY, CONTACTS, USERS, jsonReply } from './civicrm.mjs';
import { isAjax, readBody } from './http.mjs';
import { runExpiryJob } from './keyRecords.mjs';
import { SETTING_NAMES, SETTING_TITLES, currentRecord, restartRecord, setRecordExpiry, siteTimestamp, validateSettings } from './lifecycle.mjs';
import { demoBar, escapeHtml, htmlDocument } from './page.mjs';

export const SETTINGS_PATH = '/civicrm/admin/setting/apikeytab';
const LIFECYCLE_CONTROLS = { '/demo/expire-now': ['POST'], '/demo/run-job': ['POST'], '/demo/mail': ['GET'] };

/**
 * @typedef {import('./civicrm.mjs').DemoUser} DemoUser
 * @typedef {import('./civicrm.mjs').Reply} Reply
 * @typedef {import('./store.mjs').DemoStore} DemoStore
 */

// Titles and descriptions as settings/apikeytab.setting.php gives them to the setting-admin form.
const FIELDS = [
  { name: 'apikeytab_default_lifetime', help: 'How long a new API key lives unless whoever makes it chooses otherwise. 0 means keys never expire by default.' },
  {
    name: 'apikeytab_max_lifetime',
    help: 'The longest any API key may live. With a maximum, keys cannot be set to never expire, and a key set another way (another screen, the API, an import) expires after the maximum. 0 means no maximum.',
  },
  { name: 'apikeytab_reminder_days', help: 'How many days before a key expires a reminder is emailed to whoever set it and to the contact. 0 sends no reminder.' },
].map((field) => ({ ...field, label: SETTING_TITLES[/** @type {keyof typeof SETTING_TITLES} */ (field.name)] }));

/** @param {number} status @param {string} html @param {Record<string, string>} headers */
function htmlReply(status, html, headers) {
  return { status, headers: { ...headers, 'Content-Type': 'text/html; charset=UTF-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' }, body: html };
}

/**
 * The form as CRM_Admin_Form_Generic lays it out: one row per setting with its description, and on
 * a refused submission the message beside its field plus a summary at the top.
 * @param {{user: DemoUser, values: Record<string, string | number>, errors?: Record<string, string>, saved?: boolean}} form
 */
function renderSettings({ user, values, errors = {}, saved = false }) {
  const fields = FIELDS.map(({ name, label, help }) => {
    const error = errors[name];
    const describedBy = error ? `${name}-error ${name}-help` : `${name}-help`;
    return `<div class="crm-section">
        <label for="${name}">${escapeHtml(label)}</label>
        <input id="${name}" name="${name}" type="number" min="0" step="1" value="${escapeHtml(String(values[name]))}" aria-describedby="${describedBy}"${error ? ' aria-invalid="true"' : ''}>
        ${error ? `<span class="crm-error" id="${name}-error">${escapeHtml(error)}</span>` : ''}
        <p class="description" id="${name}-help">${escapeHtml(help)}</p>
      </div>`;
  }).join('\n      ');
  const messages = Object.values(errors);
  const notice =
    messages.length > 0
      ? `<div class="messages crm-error" role="alert">Please correct the following errors in the form fields below: ${messages.map(escapeHtml).join(' ')}</div>`
      : saved
        ? '<div class="messages status" role="status">Settings saved.</div>'
        : '';
  return htmlDocument('API Key Settings', `${demoBar({ user, userHref: (name) => `${SETTINGS_PATH}?user=${encodeURIComponent(name)}` })}
  <main class="crm-container">
    <nav class="breadcrumb" aria-label="Breadcrumb"><a href="/">Home</a> » <a href="/">CiviCRM</a> » Administer » <a href="/civicrm/admin/apikeys">API Keys</a></nav>
    <h1 class="crm-page-title">API Key Settings</h1>
    <div class="crm-block crm-form-block">
      ${notice}
      <form method="post" action="${SETTINGS_PATH}">
      ${fields}
        <div class="crm-submit-buttons"><button type="submit" class="crm-button">Save</button></div>
      </form>
    </div>
  </main>`);
}

/**
 * `civicrm/admin/setting/apikeytab`, for `administer CiviCRM` only (setting-admin's route). A
 * submission with nonsense changes nothing and says why.
 * @param {{method: string, user: DemoUser, headers: Record<string, string>, body: string, store: DemoStore}} request
 * @returns {Promise<Reply>}
 */
export async function settingsPage({ method, user, headers, body, store }) {
  if (!user.permissions.includes('administer CiviCRM')) {
    return htmlReply(403, htmlDocument('Access denied', `${demoBar({ user, userHref: (name) => `${SETTINGS_PATH}?user=${encodeURIComponent(name)}` })}
  <main class="crm-container">
    <h1 class="crm-page-title">Access denied</h1>
    <div class="messages status crm-error" role="alert">You do not have permission to access this page.</div>
  </main>`), headers);
  }
  const settings = store.data.lifecycle.settings;
  if (method !== 'POST') return htmlReply(200, renderSettings({ user, values: { ...settings } }), headers);
  const form = new URLSearchParams(body);
  const submitted = Object.fromEntries(SETTING_NAMES.map((name) => [name, form.get(name) ?? '']));
  const checked = validateSettings(submitted);
  if (!checked.ok) return htmlReply(200, renderSettings({ user, values: submitted, errors: checked.errors }), headers);
  store.data.lifecycle.settings = checked.settings;
  await store.save();
  return htmlReply(200, renderSettings({ user, values: { ...checked.settings }, saved: true }), headers);
}

/**
 * The demo's lifecycle controls, or null when `path` is none of them. All three are the `admin`
 * demo user's only (the mail lists recipients' addresses): without a session 401, anyone else 403.
 * The POSTs need X-Requested-With like the other controls; GET /demo/mail only the session.
 * @param {{request: import('node:http').IncomingMessage, path: string, user: DemoUser | null, store: DemoStore, siteUrl: string}} control
 * @returns {Promise<Reply | null>}
 */
export async function lifecycleControl({ request, path, user, store, siteUrl }) {
  if (!Object.hasOwn(LIFECYCLE_CONTROLS, path)) return null;
  const method = request.method ?? 'GET';
  const allowed = LIFECYCLE_CONTROLS[/** @type {keyof typeof LIFECYCLE_CONTROLS} */ (path)];
  if (!allowed.includes(method)) {
    return { status: 405, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', Allow: allowed.join(', ') }, body: 'Method Not Allowed\n' };
  }
  const adminOnly = () =>
    user === null ? jsonReply(401, { error_message: 'Log in first: open /?user=admin.' }) : user !== USERS.admin ? jsonReply(403, { error_message: 'Only the administrator may do this.' }) : null;
  if (path === '/demo/mail') return adminOnly() ?? jsonReply(200, { mail: store.data.lifecycle.mail });
  if (!isAjax(request)) return AJAX_ONLY_REPLY;
  const body = await readBody(request);
  const refused = adminOnly();
  if (refused !== null) return refused;
  // From cron: nobody is logged in while the job runs.
  if (path === '/demo/run-job') return jsonReply(200, { values: [await runExpiryJob(store, { siteUrl, loggedInContactId: null })] });
  let input;
  try {
    input = JSON.parse(body || '{}');
  } catch {
    input = null;
  }
  const contactId = input?.contactId;
  if (!Number.isInteger(contactId) || !Object.hasOwn(CONTACTS, contactId)) return jsonReply(400, { error_message: 'Send {"contactId": N}, a contact of this demo.' });
  const apiKey = store.apiKey(contactId);
  if (apiKey === null) return jsonReply(400, { error_message: `Contact ${contactId} has no API key.` });
  const lifecycle = store.data.lifecycle;
  const now = siteTimestamp(new Date());
  const row = currentRecord(lifecycle, contactId, apiKey) ?? restartRecord(lifecycle, contactId, apiKey, {});
  setRecordExpiry(row, now);
  await store.save();
  return jsonReply(200, { contact_id: contactId, expires_date: now });
}
