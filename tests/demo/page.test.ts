// The contact summary page: who sees the API Key tab, and what the tab is given, read from the
// served HTML with jsdom (scripts are not run here; the browser project runs them).
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { type DemoUser, USERS, canEditContact } from '../../demo/lib/civicrm.mjs';
import { inertToAngular, renderKeyOverview, renderTabTemplate } from '../../demo/lib/page.mjs';
import { api4, control, type DemoUserName, type InProcessDemo, logIn, useInProcessDemo } from './support/demoClient';

const tabTemplate = readFileSync(fileURLToPath(new URL('../../templates/apikeytab/ApiKeyTab.tpl', import.meta.url)), 'utf8');

let demo: InProcessDemo;
let admin: string;

useInProcessDemo((started) => ({ demo, admin } = started));

async function openPage(query: string, cookie?: string) {
  const response = await fetch(new URL(`/${query}`, demo.url), { headers: cookie ? { Cookie: cookie } : {} });
  const html = await response.text();
  return { response, html, document: new JSDOM(html).window.document };
}

function bindings(document: Document) {
  const tab = document.querySelector('#contact-apikey crm-angular-js[modules="crmApiKey"] crm-api-key-tab');
  if (!tab) return null;
  return Object.fromEntries(
    ['contact-id', 'has-key', 'can-view', 'key-hint', 'last-change', 'can-edit', 'in-trash', 'site-time'].map((name) => [name, JSON.parse(tab.getAttribute(name)!)]),
  );
}

/** A tab entry as ContactTab gives it: its id, and every binding of docs/design-1.1.md. */
const ENTRY = {
  id: 'apikey',
  contact_id: 3,
  has_key: false,
  can_view: true,
  key_hint: null,
  last_change: null,
  can_edit: true,
  in_trash: false,
  site_time: { format: '%B %E%f, %Y %l:%M %P', time_format: '%l:%M %P', locale: 'en_US', now: '2026-12-01 08:00:00' },
  lifecycle: null,
  token: null,
};

describe('who sees the API Key tab', () => {
  it.each<[DemoUserName, number, boolean]>([
    ['admin', 2, true],
    ['admin', 3, true],
    ['admin', 5, true],
    ['self', 5, true],
    ['self', 3, false],
    ['self', 2, false],
    ['staff', 4, false],
    ['staff', 3, false],
    ['reader', 3, true],
    ['reader', 6, true],
  ])('%s on contact %i: %s', async (user, cid, shown) => {
    const { document } = await openPage(`?user=${user}&cid=${cid}`);
    expect(document.querySelector('li#tab_apikey') !== null).toBe(shown);
    expect(document.querySelector('div#contact-apikey[role="tabpanel"]') !== null).toBe(shown);
    expect(document.querySelector('ul.crm-contact-tabs-list[role="tablist"] li#tab_summary')).not.toBeNull();
    expect(document.querySelector('#mainTabContainer div#contact-summary[role="tabpanel"]')).not.toBeNull();
  });
});

describe('the tab as CiviCRM renders it', () => {
  it('has the tab markup, icon and count of CiviCRM', async () => {
    await control(demo, 'POST', '/demo/set-key', { cid: 3, api_key: null }, admin);
    let { document } = await openPage('?cid=3', admin);
    const tab = document.querySelector('li#tab_apikey')!;
    expect(tab.classList).toContain('crm-count-0');
    expect(tab.querySelector('a[href="#contact-apikey"] i.crm-i.fa-key[aria-hidden="true"]')).not.toBeNull();
    expect(tab.querySelector('a > span')!.textContent).toBe('API Key');
    expect(tab.querySelector('a > em')!.textContent).toBe('0');

    await control(demo, 'POST', '/demo/set-key', { cid: 3, api_key: 'CountMeCountMe12' }, admin);
    ({ document } = await openPage('?cid=3', admin));
    expect(document.querySelector('li#tab_apikey')!.classList).toContain('crm-count-1');
    expect(document.querySelector('li#tab_apikey em')!.textContent).toBe('1');
  });

  it('gives a reader the last 4 characters', async () => {
    await control(demo, 'POST', '/demo/set-key', { cid: 3, api_key: 'AbcdefghijklmnopqrstuvwxyzWXYZ12' }, admin);
    const { document } = await openPage('?cid=3', admin);
    expect(bindings(document)).toMatchObject({ 'contact-id': 3, 'has-key': true, 'can-view': true, 'key-hint': 'YZ12' });
  });

  it('gives a self-service user no hint of their own key', async () => {
    await control(demo, 'POST', '/demo/set-key', { cid: 5, api_key: 'SelfSelfSelfSelfSelfSelfSelf1234' }, admin);
    const { document } = await openPage('?user=self');
    expect(bindings(document)).toMatchObject({ 'contact-id': 5, 'has-key': true, 'can-view': false, 'key-hint': null });
  });

  it('gives no last change for a contact whose key was never changed', async () => {
    const { document } = await openPage('?cid=4', admin);
    expect(bindings(document)!['last-change']).toBeNull();
  });

  it('gives the date and the name of whoever made the newest change', async () => {
    const self = await logIn(demo, 'self');
    await api4(demo, 'Contact', 'update', { where: [['id', '=', 5]], values: { api_key: 'KimsOwnKeyKimsOwnKeyKimsOwnKey12' } }, { cookie: self });
    let { document } = await openPage('?cid=5', admin);
    const byKim = bindings(document)!['last-change'];
    expect(byKim).toEqual({ date: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/), by: 'Kim Selfkey' });

    await api4(demo, 'Contact', 'update', { where: [['id', '=', 5]], values: { api_key: null } }, { cookie: admin });
    ({ document } = await openPage('?user=self'));
    expect(bindings(document)!['last-change']).toEqual({ date: expect.any(String), by: 'Standalone Admin' });
    expect(bindings(document)!['last-change'].date >= byKim.date).toBe(true);
  });

  it('breaks every "{{" of a hint, so Angular finds no expression in any attribute', async () => {
    await control(demo, 'POST', '/demo/set-key', { cid: 2, api_key: 'HostileHintHostile{{{1' }, admin);
    const { html, document } = await openPage('?cid=2', admin);
    const tab = document.querySelector('crm-api-key-tab')!;
    for (const attribute of tab.getAttributeNames()) expect(tab.getAttribute(attribute)).not.toContain('{{');
    expect(html).not.toMatch(/key-hint="[^"]*\{\{/);
    expect(bindings(document)!['key-hint'].replace(/\u200B/g, '')).toBe('{{{1');
  });

  it('escapes a hint holding quotes and markup, so it stays one attribute value', async () => {
    await control(demo, 'POST', '/demo/set-key', { cid: 2, api_key: `plain-then-<b>"'<&` }, admin);
    const { html, document } = await openPage('?cid=2', admin);
    expect(html).toContain('key-hint="&quot;\\&quot;&#039;&lt;&amp;&quot;"');
    expect(bindings(document)!['key-hint']).toBe(`"'<&`);
  });

  it('puts the partials on the page under their ~/ names, and the manifest’s requires', async () => {
    const { document } = await openPage('?cid=3', admin);
    const partials = JSON.parse(document.getElementById('crm-demo-partials')!.textContent!);
    const partialFiles = readdirSync(fileURLToPath(new URL('../../ang/crmApiKey/', import.meta.url)));
    expect(Object.keys(partials).sort()).toEqual(partialFiles.filter((file) => file.endsWith('.html')).map((file) => `~/crmApiKey/${file}`).sort());
    const settings = JSON.parse(document.getElementById('crm-demo-settings')!.textContent!);
    expect(settings.angRequires.crmApiKey).toEqual(['crmResource', 'api4']);
    expect(settings.cid).toBe(2);
  });

  it('loads jQuery, AngularJS, the runtime, then the real bundle', async () => {
    const { document } = await openPage('?cid=3', admin);
    const scripts = [...document.querySelectorAll('script[src]')].map((script) => script.getAttribute('src'));
    expect(scripts.slice(0, 4)).toEqual(['/assets/jquery.min.js', '/assets/angular.min.js', '/demo/crm-runtime.js', '/js/crmApiKey.js']);
  });
});

describe('sessions from the page', () => {
  it('log in as the administrator on contact 3 when nobody is logged in', async () => {
    const { response, document } = await openPage('');
    expect(response.headers.get('set-cookie')).toMatch(/^SESSCIVISO=[0-9a-f]{64}; path=\/; HttpOnly/);
    expect(bindings(document)!['contact-id']).toBe(3);
    expect(JSON.parse(document.getElementById('crm-demo-settings')!.textContent!).cid).toBe(2);
  });

  it('keep the session a cookie names, and open the own contact for self', async () => {
    const self = await logIn(demo, 'self');
    const { response, document } = await openPage('', self);
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(document.querySelector('h1')!.textContent).toContain('Kim Selfkey');
  });

  it('refuse an unknown user or contact', async () => {
    expect((await openPage('?user=root')).response.status).toBe(400);
    expect((await openPage('?cid=47', admin)).response.status).toBe(404);
    expect((await openPage('?cid=../3', admin)).response.status).toBe(404);
  });
});

describe('what the tab is told about the viewer, the contact and the site (1.1)', () => {
  it('the reader may read keys but not change them: can-edit false, everywhere', async () => {
    const reader = await logIn(demo, 'reader');
    for (const cid of [3, 6]) {
      const tab = bindings((await openPage(`?cid=${cid}`, reader)).document)!;
      expect(tab).toMatchObject({ 'contact-id': cid, 'can-view': true, 'can-edit': false, 'in-trash': false });
    }
  });

  it('the administrator may change them: can-edit true', async () => {
    expect(bindings((await openPage('?cid=3', admin)).document)).toMatchObject({ 'can-edit': true, 'can-view': true });
  });

  it('administer CiviCRM alone gives no edit access (core: allow() checks edit all contacts); admin holds that itself', async () => {
    const administerOnly = { ...USERS.admin, name: 'administerOnly', permissions: ['access CiviCRM', 'administer CiviCRM', 'edit api keys'] };
    expect([canEditContact(administerOnly, 3), canEditContact(administerOnly, administerOnly.contactId)]).toEqual([false, false]);
    expect([canEditContact(USERS.admin, 3), canEditContact(USERS.admin, USERS.admin.contactId)]).toEqual([true, true]);
    const overviewVars = async (user: DemoUser) => {
      const html = await renderKeyOverview({ root: fileURLToPath(new URL('../..', import.meta.url)), user });
      return JSON.parse(new JSDOM(html).window.document.getElementById('crm-demo-settings')!.textContent!).vars.apikeytab;
    };
    expect(await overviewVars(administerOnly)).toMatchObject({ canAdminister: true, canEditAll: false });
    expect(await overviewVars(USERS.admin)).toMatchObject({ canAdminister: true, canEditAll: true });
  });

  it('a contact in the trash: in-trash true, and false again once restored', async () => {
    await control(demo, 'POST', '/demo/trash', { contactId: 3, trashed: true }, admin);
    expect(bindings((await openPage('?cid=3', admin)).document)).toMatchObject({ 'in-trash': true });
    await control(demo, 'POST', '/demo/trash', { contactId: 3, trashed: false }, admin);
    expect(bindings((await openPage('?cid=3', admin)).document)).toMatchObject({ 'in-trash': false });
  });

  it('the demo bar offers the administrator alone an "In the trash" box for the contact on screen', async () => {
    const reader = await logIn(demo, 'reader');
    const box = (await openPage('?cid=3', admin)).document.querySelector('input[data-demo-trash="3"]');
    expect(box?.closest('label')?.textContent?.trim()).toBe('In the trash');
    expect((await openPage('?cid=3', reader)).document.querySelector('[data-demo-trash]')).toBeNull();
  });

  it('only the administrator may move contacts to the trash, and only contacts of the demo', async () => {
    const reader = await logIn(demo, 'reader');
    expect((await control(demo, 'POST', '/demo/trash', { contactId: 3, trashed: true }, reader)).status).toBe(403);
    expect((await control(demo, 'POST', '/demo/trash', { contactId: 99, trashed: true }, admin)).status).toBe(400);
    expect((await control(demo, 'POST', '/demo/trash', { contactId: 3, trashed: 'yes' }, admin)).status).toBe(400);
  });

  it("site-time: CiviCRM's default formats, en_US, and the site's now (UTC) to the second", async () => {
    const before = new Date().toISOString().slice(0, 19).replace('T', ' ');
    const { 'site-time': siteTime } = bindings((await openPage('?cid=3', admin)).document)!;
    const after = new Date().toISOString().slice(0, 19).replace('T', ' ');
    expect(siteTime).toMatchObject({ format: '%B %E%f, %Y %l:%M %P', time_format: '%l:%M %P', locale: 'en_US' });
    expect(siteTime.now >= before && siteTime.now <= after).toBe(true);
  });

  it('the overview page gets the same site time as CRM.vars.apikeytab.siteTime', async () => {
    const { document } = await openPage('civicrm/admin/apikeys', admin);
    const settings = JSON.parse(document.getElementById('crm-demo-settings')!.textContent!);
    expect(settings.vars.apikeytab.siteTime).toMatchObject({ format: '%B %E%f, %Y %l:%M %P', locale: 'en_US' });
  });
});

describe('rendering the tab template', () => {
  it('fills {$block.x|@json|escape} and nothing else', () => {
    expect(renderTabTemplate('<x a="{$block.a|@json|escape}">', { a: 'q"' })).toBe('<x a="&quot;q\\&quot;&quot;">');
    expect(() => renderTabTemplate('{if $block.a}x{/if}', { a: true })).toThrow(/Unsupported Smarty tag/);
    expect(() => renderTabTemplate('{$block.a}', { a: 1 })).toThrow(/Unsupported Smarty tag/);
    expect(() => renderTabTemplate('{$block.missing|@json|escape}', {})).toThrow(/missing/);
  });

  it('breaks every "{{" in strings at any depth, and leaves everything else alone', () => {
    const hostile = "{{constructor.constructor('alert(1)')()}} {{{x}}} {";
    const inert = inertToAngular({ contact_id: 3, has_key: true, can_view: true, key_hint: '{{{1', last_change: { date: '{{1+1}}', by: hostile } });
    expect(JSON.stringify(inert)).not.toContain('{{');
    expect(inert.last_change.by.replace(/\u200B/g, '')).toBe(hostile);
    expect(inert.key_hint).toBe('{\u200B{\u200B{1');
    expect(inertToAngular({ a: 1, b: null, c: [false, 'x{y}'] })).toEqual({ a: 1, b: null, c: [false, 'x{y}'] });
    const rendered = renderTabTemplate(tabTemplate, { ...ENTRY, ...inert });
    expect(rendered).toContain('key-hint="&quot;{\u200B{\u200B{1&quot;"');
    expect(rendered).not.toContain('{{');
  });

  it('accepts the extension’s real template, with every binding it names', () => {
    const rendered = renderTabTemplate(tabTemplate, ENTRY);
    expect(rendered).toContain('contact-id="3"');
    expect(rendered).toContain('can-edit="true"');
    expect(() => renderTabTemplate(tabTemplate, { id: 'apikey', contact_id: 3 })).toThrow(/has_key/);
  });

  it('fills the bindings on 5.x, where the entry is $tabValue, as on 6.x, where it is $block', () => {
    const six = renderTabTemplate(tabTemplate, ENTRY, { core: '6' });
    const five = renderTabTemplate(tabTemplate, ENTRY, { core: '5' });
    expect(five).toBe(six);
    expect(five).toContain('site-time="{&quot;format&quot;:&quot;%B %E%f, %Y %l:%M %P&quot;');
  });
});
