// The pages of the demo: the contact summary, CiviCRM's tab markup
// (wire/contact-summary-cid3-admin.html) around the extension's real tab template, and the key
// overview under Administer; both with the real partials and module manifests, read from the
// working tree on each request so edits show on reload.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CONTACTS, USERS, canEditContact, canReadKeys, canWriteKey, displayName, userOfContact } from './civicrm.mjs';
import { FAULTS, DEFAULT_SLOW_DELAY_MS } from './faults.mjs';
import { GRANTABLE_CONTACT_IDS, PEOPLE_IDS, civicrmTimestamp } from './store.mjs';
import { lifecycleBinding } from './lifecycle.mjs';
import { tokenBinding } from './tokens.mjs';

const HTML_ENTITIES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#039;' };

/** The same five replacements as PHP's htmlspecialchars, which Smarty's `escape` applies. */
export function escapeHtml(/** @type {string} */ text) {
  return text.replace(/[&<>"']/g, (character) => HTML_ENTITIES[/** @type {keyof typeof HTML_ENTITIES} */ (character)]);
}

/**
 * Breaks every `{{` in the strings bound to the tab, as ContactTab::inertToAngular() does: AngularJS
 * interpolates `{{ }}` in any attribute before the one-way binding reads it, and escaping leaves
 * braces alone. A zero-width space after each `{` that another `{` follows leaves none.
 * @template T
 * @param {T} value
 * @returns {T}
 */
export function inertToAngular(value) {
  if (typeof value === 'string') return /** @type {T} */ (value.replace(/\{(?=\{)/g, '{\u200B'));
  if (Array.isArray(value)) return /** @type {T} */ (value.map(inertToAngular));
  if (value !== null && typeof value === 'object') {
    return /** @type {T} */ (Object.fromEntries(Object.entries(value).map(([key, item]) => [key, inertToAngular(item)])));
  }
  return value;
}

/**
 * `last-change` of the tab: the newest key-change activity on the contact, or null.
 * @param {import('./store.mjs').DemoStore} store
 * @param {number} contactId
 */
function lastChange(store, contactId) {
  const [newest] = store.keyChanges(contactId);
  return newest ? { date: newest.date, by: displayName(newest.sourceContactId) } : null;
}

/** JSON inside <script type="application/json">: only `<` could end the element early. */
function scriptJson(/** @type {unknown} */ value) {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/**
 * The one choice the tab template makes: its entry is `$block` on 6.x, `$tabValue` on 5.x
 * (README, "The tab template's variable differs by version"), put into one variable.
 */
const ENTRY_CHOICE = /\{if isset\(\$block\.id\) and \$block\.id eq 'apikey'\}\{assign var='(\w+)' value=\$block\}\{else\}\{assign var='\1' value=\$tabValue\}\{\/if\}/;

/**
 * Renders the tab template the way Smarty would for the constructs it may use: `{* comments *}`,
 * the entry choice above, and `{$VAR.NAME|@json|escape}`. Any other tag is refused, so the
 * template stays as simple as the Smarty 5 traps in the README require. `core` says how the
 * contact summary hands the entry over: as `$block` (6.x, the default) or `$tabValue` (5.x).
 * @param {string} template
 * @param {Record<string, unknown>} entry
 * @param {{core?: '6' | '5'}} [options]
 */
export function renderTabTemplate(template, entry, { core = '6' } = {}) {
  /** @type {Record<string, Record<string, unknown> | undefined>} */
  const variables = core === '6' ? { block: entry } : { tabValue: entry };
  let text = template.replace(/\{\*[\s\S]*?\*\}/g, '');
  const choice = ENTRY_CHOICE.exec(text);
  if (choice) {
    variables[choice[1]] = variables.block?.id === 'apikey' ? variables.block : variables.tabValue;
    text = text.replace(choice[0], '');
  }
  return text.replace(/\{[^\s}][^}]*\}/g, (tag) => {
    const binding = /^\{\$(\w+)\.([A-Za-z_][A-Za-z0-9_]*)\|@json\|escape\}$/.exec(tag);
    if (!binding) throw new Error(`Unsupported Smarty tag in the tab template: ${tag}`);
    const [, variable, name] = binding;
    const values = variables[variable];
    // Smarty renders an unset variable as null: what 1.0 showed on 5.x (the captured panel).
    if (values === undefined) return escapeHtml(JSON.stringify(null));
    if (!Object.hasOwn(values, name)) throw new Error(`The tab template uses $${variable}.${name}, which the tab entry does not have.`);
    return escapeHtml(JSON.stringify(values[name]));
  });
}

/** What the site tells the tab about its clock and formats (ContactTab::siteTime()): core's defaults, on UTC. */
export function siteTimeBinding() {
  return { format: '%B %E%f, %Y %l:%M %P', time_format: '%l:%M %P', locale: 'en_US', now: civicrmTimestamp(new Date()) };
}

/**
 * `requires` of every ang/<module>.ang.php, read with a pattern: the manifests are plain arrays.
 * @param {string} root
 */
async function angularRequires(root) {
  const names = (await readdir(join(root, 'ang'))).filter((name) => name.endsWith('.ang.php'));
  const entries = await Promise.all(
    names.map(async (name) => {
      const manifest = await readFile(join(root, 'ang', name), 'utf8');
      const list = /['"]requires['"]\s*=>\s*(?:\[|array\()([^\]\)]*)/.exec(manifest)?.[1] ?? '';
      const modules = [...list.matchAll(/['"]([^'"]+)['"]/g)].map((match) => match[1]);
      return [name.slice(0, -'.ang.php'.length), modules];
    }),
  );
  return Object.fromEntries(entries);
}

/**
 * The partials of one module, under the names crmResource gives them (`~/<module>/<file>.html`).
 * @param {string} root
 * @param {string} module
 * @returns {Promise<Record<string, string>>}
 */
async function partials(root, module) {
  const folder = join(root, 'ang', module);
  const names = (await readdir(folder)).filter((name) => name.endsWith('.html')).sort();
  const entries = await Promise.all(names.map(async (name) => [`~/${module}/${name}`, await readFile(join(folder, name), 'utf8')]));
  return Object.fromEntries(entries);
}

/** The query string of a demo page, as a path. */
function pageUrl(/** @type {string} */ path, /** @type {Record<string, string | number>} */ query) {
  return `${path}?${new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]))}`;
}

/**
 * The demo's own bar above the CiviCRM page: who is logged in, the page's own switchers, and the
 * fault selector.
 * @param {{user: import('./civicrm.mjs').DemoUser, userHref: (name: string) => string, extra?: string, tools?: string}} bar
 */
export function demoBar({ user, userHref, extra = '', tools = '' }) {
  const userLinks = Object.values(USERS).map((candidate) => ({ label: candidate.label, href: userHref(candidate.name), current: candidate.name === user.name }));
  const faultOptions = FAULTS.map((fault) => `<option value="${fault}">${fault}</option>`).join('');
  const settingsLink = user.permissions.includes('administer CiviCRM') ? ' · <a href="/civicrm/admin/setting/apikeytab">API Key Settings</a>' : '';
  const overviewLink = canReadKeys(user) ? `<p class="demo-bar-links"><a href="/civicrm/admin/apikeys">Administer: API Keys</a>${settingsLink}</p>` : '';
  return `<header class="demo-bar">
    <p class="demo-bar-title"><strong>apikeytab demo</strong> (a stand-in for CiviCRM)</p>
    ${switcher(userLinks, 'Logged in as')}
    ${extra}
    ${overviewLink}
    <div class="demo-tools">
      <label>Faults for your next API call <select id="demo-fault"><option value="">none</option>${faultOptions}</select></label>
      <span id="demo-fault-status" role="status"></span>
      ${tools}
    </div>
  </header>`;
}

/**
 * @param {string} title
 * @param {string} body
 */
export function htmlDocument(title, body) {
  return `<!DOCTYPE html>
<html lang="en" class="crm-standalone">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(title)} | apikeytab demo</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="/demo/demo.css">
  <link rel="stylesheet" href="/css/crmApiKey.css">
</head>
<body>
  ${body}
</body>
</html>
`;
}

/**
 * The scripts of a page holding one Angular module: settings and partials as JSON, jQuery,
 * AngularJS, the CRM runtime, the module's bundle, then the demo's own controls.
 * @param {string} root
 * @param {import('./civicrm.mjs').DemoUser} user
 * @param {string} module
 * @param {Record<string, unknown>} [vars] CRM.vars, as the page's PHP adds them
 */
async function angularScripts(root, user, module, vars = {}) {
  const settings = { cid: user.contactId, angRequires: await angularRequires(root), slowDelayMs: DEFAULT_SLOW_DELAY_MS, vars };
  return `<script type="application/json" id="crm-demo-settings">${scriptJson(settings)}</script>
  <script type="application/json" id="crm-demo-partials">${scriptJson(await partials(root, module))}</script>
  <script src="/assets/jquery.min.js"></script>
  <script src="/assets/angular.min.js"></script>
  <script src="/demo/crm-runtime.js"></script>
  <script src="/js/${module}.js"></script>
  <script src="/demo/demo-page.js"></script>`;
}

/**
 * Administer > Users and Permissions > API Keys: the page template
 * (templates/CRM/ApiKeyTab/Page/KeyOverview.tpl) in CiviCRM's admin page layout.
 * @param {{root: string, user: import('./civicrm.mjs').DemoUser}} view
 */
export async function renderKeyOverview({ root, user }) {
  const template = await readFile(join(root, 'templates', 'CRM', 'ApiKeyTab', 'Page', 'KeyOverview.tpl'), 'utf8');
  return htmlDocument('API Keys', `${demoBar({ user, userHref: (name) => pageUrl('/civicrm/admin/apikeys', { user: name }) })}
  <main class="crm-container">
    <nav class="breadcrumb" aria-label="Breadcrumb"><a href="/">Home</a> » <a href="/">CiviCRM</a> » Administer » Users and Permissions</nav>
    <h1 class="crm-page-title">API Keys</h1>
    <div class="crm-block crm-content-block">
${renderTabTemplate(template, {})}
    </div>
  </main>
  ${await angularScripts(root, user, 'crmApiKeyOverview', { apikeytab: { siteTime: siteTimeBinding(), canAdminister: user.permissions.includes('administer CiviCRM'), canEditAll: user.permissions.includes('edit all contacts') } })}`);
}

/**
 * What CiviCRM shows a user whom a route's permissions keep out (answered with HTTP 403).
 * @param {{user: import('./civicrm.mjs').DemoUser}} view
 */
export function renderAccessDenied({ user }) {
  return htmlDocument('Access denied', `${demoBar({ user, userHref: (name) => pageUrl('/civicrm/admin/apikeys', { user: name }) })}
  <main class="crm-container">
    <h1 class="crm-page-title">Access denied</h1>
    <div class="messages status crm-error" role="alert">You do not have permission to access this page.</div>
  </main>
  <script src="/assets/jquery.min.js"></script>
  <script src="/demo/demo-page.js"></script>`);
}

/**
 * @param {{label: string, href: string, current: boolean}[]} links
 * @param {string} label
 */
function switcher(links, label) {
  const items = links
    .map(({ label: text, href, current }) => `<li><a href="${escapeHtml(href)}"${current ? ' aria-current="page"' : ''}>${escapeHtml(text)}</a></li>`)
    .join('');
  return `<nav class="demo-switcher" aria-label="${escapeHtml(label)}"><span class="demo-switcher-label">${escapeHtml(label)}:</span><ul>${items}</ul></nav>`;
}

/**
 * @param {string} label
 * @param {string} value
 */
function summaryRow(label, value) {
  return `<div class="crm-summary-row"><div class="crm-label">${escapeHtml(label)}</div><div class="crm-content">${escapeHtml(value)}</div></div>`;
}

/**
 * @param {{
 *   root: string,
 *   user: import('./civicrm.mjs').DemoUser,
 *   contactId: number,
 *   selectedTab: string,
 *   store: import('./store.mjs').DemoStore,
 * }} view
 */
export async function renderContactSummary({ root, user, contactId, selectedTab, store }) {
  const contact = CONTACTS[contactId];
  const apiKey = store.apiKey(contactId);
  const showsKeyTab = canWriteKey(user, contactId);
  const canView = canReadKeys(user);
  const keyCount = apiKey === null ? 0 : 1;
  const selected = showsKeyTab && selectedTab === 'apikey' ? 'apikey' : 'summary';
  const owner = userOfContact(contactId);

  const tabButton = (/** @type {string} */ id, /** @type {string} */ icon, /** @type {string} */ title, /** @type {number | null} */ count) => `
        <li id="tab_${id}" role="tab" class="crm-tab-button ui-corner-all${count === null ? '' : ` crm-count-${count}`}" aria-controls="contact-${id}" aria-selected="${selected === id}" tabindex="${selected === id ? 0 : -1}">
          <a href="#contact-${id}" title="${title}" id="tab-anchor-${id}" tabindex="-1"><i class="crm-i ${icon}" aria-hidden="true"></i><span>${title}</span>${count === null ? '' : `<em>${count}</em>`}</a>
        </li>`;

  let keyPanel = '';
  if (showsKeyTab) {
    const template = await readFile(join(root, 'templates', 'apikeytab', 'ApiKeyTab.tpl'), 'utf8');
    const block = inertToAngular({
      id: 'apikey',
      contact_id: contactId,
      has_key: apiKey !== null,
      can_view: canView,
      key_hint: canView && apiKey !== null ? [...apiKey].slice(-4).join('') : null,
      last_change: lastChange(store, contactId),
      can_edit: canEditContact(user, contactId),
      in_trash: store.isTrashed(contactId),
      site_time: siteTimeBinding(),
      lifecycle: lifecycleBinding(store.data.lifecycle, contactId, apiKey, canView),
      token: tokenBinding(user, store),
    });
    keyPanel = `
      <div id="contact-apikey" role="tabpanel" aria-labelledby="tab-anchor-apikey"${selected === 'apikey' ? '' : ' hidden'}>
${renderTabTemplate(template, block)}
      </div>`;
  }

  // The people, plus the contact on screen when it is one of the integrations.
  const contactIds = PEOPLE_IDS.includes(contactId) ? PEOPLE_IDS : [...PEOPLE_IDS, contactId];
  const contactLinks = contactIds.map((id) => ({ label: `${id} ${displayName(id)}`, href: pageUrl('/', { cid: id }), current: id === contactId }));
  const grants = canReadKeys(user)
    ? `<fieldset class="demo-grants"><legend>authenticate with api key</legend>${GRANTABLE_CONTACT_IDS.map(
        (id) => `<label><input type="checkbox" data-demo-grant="${id}"${store.hasAuthxGrant(id) ? ' checked' : ''}> ${escapeHtml(displayName(id))}</label>`,
      ).join('')}</fieldset>`
    : '';
  const trash = user.permissions.includes('administer CiviCRM')
    ? `<label class="demo-trash"><input type="checkbox" data-demo-trash="${contactId}"${store.isTrashed(contactId) ? ' checked' : ''}> In the trash</label>`
    : '';
  const bar = demoBar({
    user,
    userHref: (name) => pageUrl('/', { user: name, cid: name === 'self' ? USERS.self.contactId : contactId }),
    extra: switcher(contactLinks, 'Contact'),
    tools: grants + trash,
  });

  return htmlDocument(displayName(contactId), `${bar}
  <main class="crm-container">
    <nav class="breadcrumb" aria-label="Breadcrumb"><a href="/">Home</a> » <a href="/">CiviCRM</a> » View Contact</nav>
    <h1 class="crm-page-title"><i class="crm-i fa-user-o" aria-hidden="true"></i> ${escapeHtml(displayName(contactId))}</h1>
    <div class="crm-block crm-content-block crm-contact-page">
      <div id="mainTabContainer">
        <ul class="crm-contact-tabs-list" role="tablist">${tabButton('summary', 'fa-address-card-o', 'Summary', null)}${showsKeyTab ? tabButton('apikey', 'fa-key', 'API Key', keyCount) : ''}
        </ul>
        <div id="contact-summary" role="tabpanel" aria-labelledby="tab-anchor-summary"${selected === 'summary' ? '' : ' hidden'}>
          <div class="contact_panel">
            <div class="contactCardLeft">
              ${summaryRow('First Name', contact.firstName)}
              ${summaryRow('Last Name', contact.lastName)}
              ${summaryRow('Email', contact.email)}
              ${summaryRow('User account', owner ? `yes (${owner.name})` : 'none')}
            </div>
            <div class="contactCardRight">
              ${summaryRow('Contact Type', contact.contactType ?? 'Individual')}
              ${summaryRow('Contact ID', String(contactId))}
              ${summaryRow('Preferred Language', 'English (United States)')}
              ${summaryRow('Email Greeting', `Dear ${contact.firstName}`)}
            </div>
          </div>
        </div>${keyPanel}
      </div>
    </div>
    <footer class="crm-footer">Contact ID: ${contactId}</footer>
  </main>
  ${await angularScripts(root, user, 'crmApiKey')}`);
}
