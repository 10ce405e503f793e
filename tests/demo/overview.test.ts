// The key overview in the demo: the one Contact.get per page it makes, answered as CiviCRM would
// (docs/overview-query.md), and the page at /civicrm/admin/apikeys, for administrators only.
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { CONTACTS, displayName } from '../../demo/lib/civicrm.mjs';
import { INTEGRATION_IDS, seedApiKey } from '../../demo/lib/store.mjs';
import { keyHolderQuery } from '../../src/overview/keyHolders';
import { api4, control, type InProcessDemo, logIn, setApiKey, useInProcessDemo } from './support/demoClient';

const PAGE_SIZE = 25;
const KEY = 'Ab3xQ9rT7mK2pL8vN4wZ6yH1jF5dS0cX';
const TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

/** The very query the overview page sends (src/overview/keyHolders.ts), with variations for probing. */
function overviewQuery(offset: number, overrides: Record<string, unknown> = {}) {
  return { ...keyHolderQuery(offset, PAGE_SIZE), ...overrides };
}

interface Row {
  id: number;
  display_name: string;
  key_hint: string;
  last_changed: string | null;
}

let demo: InProcessDemo;
let admin: string;

async function page(offset: number, cookie = admin, overrides: Record<string, unknown> = {}) {
  return api4(demo, 'Contact', 'get', overviewQuery(offset, overrides), { cookie });
}

async function rows(offset: number, overrides: Record<string, unknown> = {}): Promise<Row[]> {
  const answer = await page(offset, admin, overrides);
  expect(answer.status).toBe(200);
  return answer.json.values;
}

const setKey = (cid: number, apiKey: string | null) => setApiKey(demo, admin, cid, apiKey);

const lastHint = (key: string) => key.slice(-4);
const storedActivities = (): { date: string; targetContactId: number }[] => JSON.parse(readFileSync(demo.dataFile, 'utf8')).activities;

describe('the seed', () => {
  useInProcessDemo((started) => ({ demo, admin } = started));

  it('keeps contacts 2 to 6 without keys and adds 40 integrations with fixed keys', () => {
    expect(INTEGRATION_IDS).toEqual(Array.from({ length: 40 }, (_, index) => index + 7));
    expect(Object.keys(CONTACTS).map(Number)).toEqual([1, 2, 3, 4, 5, 6, ...INTEGRATION_IDS]);
    expect(displayName(1)).toBe('Default Organization');
    expect(displayName(6)).toBe('Rita Reader');
    expect(displayName(7)).toBe('Integration 01');
    expect(displayName(46)).toBe('Integration 40');
    const stored = JSON.parse(readFileSync(demo.dataFile, 'utf8')).apiKeys;
    for (const id of [2, 3, 4, 5, 6]) expect(stored[id]).toBeNull();
    for (const id of INTEGRATION_IDS) {
      expect(stored[id]).toBe(seedApiKey(id));
      expect(stored[id]).toMatch(/^[A-Za-z0-9]{32}$/);
    }
    expect(new Set(INTEGRATION_IDS.map(seedApiKey)).size).toBe(40);
    // The same on every machine: derived, not drawn.
    expect(seedApiKey(6)).toBe(seedApiKey(6));
  });
});

describe('the overview query', () => {
  useInProcessDemo((started) => ({ demo, admin } = started), { fresh: 'each' });

  it('answers a page of 26 (one more than a page), then the rest, in sort_name order', async () => {
    const first = await rows(0);
    const second = await rows(PAGE_SIZE);
    expect(first).toHaveLength(PAGE_SIZE + 1);
    expect(second).toHaveLength(INTEGRATION_IDS.length - PAGE_SIZE);
    // "01, Integration" ... sort before every person's "Last, First".
    expect(first.map((row) => row.display_name)).toEqual(Array.from({ length: 26 }, (_, index) => `Integration ${String(index + 1).padStart(2, '0')}`));
    const listed = [...first.slice(0, PAGE_SIZE), ...second].map((row) => row.id);
    expect(listed).toEqual(INTEGRATION_IDS);
    expect(await rows(50)).toEqual([]);
  });

  it('answers exactly what the page selects, in that order', async () => {
    const [row] = await rows(0);
    const names = keyHolderQuery(0, PAGE_SIZE).select.map((item) => item.split(' AS ').at(-1));
    expect(Object.keys(row)).toEqual(names);
    expect(row).toMatchObject({ id: 7, display_name: 'Integration 01', is_deleted: false, key_hint: lastHint(seedApiKey(7)), last_changed: null });
  });

  it('lists a contact in the trash, is_deleted true, as wire 37; without the condition it is missing, as wire 36', async () => {
    await control(demo, 'POST', '/demo/trash', { contactId: 8, trashed: true }, admin);
    const [, second] = await rows(0);
    expect(second).toMatchObject({ id: 8, display_name: 'Integration 02', is_deleted: true });
    const { where: _where, ...rest } = keyHolderQuery(0, PAGE_SIZE);
    const hidden = await api4(demo, 'Contact', 'get', { ...rest, where: [['api_key', 'IS NOT EMPTY']] }, { cookie: admin });
    expect(hidden.json.values.map((row: { id: number }) => row.id)).not.toContain(8);
    await control(demo, 'POST', '/demo/trash', { contactId: 8, trashed: false }, admin);
    expect((await rows(0))[1]).toMatchObject({ id: 8, is_deleted: false });
  });

  it('never answers a whole key, only its last 4 characters', async () => {
    await setKey(3, KEY);
    const texts = [(await page(0)).text, (await page(PAGE_SIZE)).text];
    for (const id of INTEGRATION_IDS) {
      for (const text of texts) expect(text).not.toContain(seedApiKey(id));
    }
    for (const text of texts) expect(text).not.toContain(KEY.slice(0, 8));
    const all = [...(await rows(0)).slice(0, PAGE_SIZE), ...(await rows(PAGE_SIZE))];
    expect(all.every((row) => row.key_hint.length === 4)).toBe(true);
    expect(all.find((row) => row.id === 3)?.key_hint).toBe(lastHint(KEY));
  });

  it('lists a contact once it has a key, in its place by sort_name then id, and drops it when revoked', async () => {
    await setKey(3, KEY);
    await setKey(2, 'AdminKey1234567890abcdef');
    const second = await rows(PAGE_SIZE);
    // "Admin, Standalone" before "Doe, Jane", both after the integrations.
    expect(second.slice(-2).map((row) => row.id)).toEqual([2, 3]);
    await setKey(3, null);
    expect((await rows(PAGE_SIZE)).map((row) => row.id)).not.toContain(3);
    await setKey(2, '');
    expect(await rows(PAGE_SIZE)).toHaveLength(15);
  });

  it('has last_changed follow the newest key change on the contact, as CiviCRM writes datetimes', async () => {
    await setKey(7, KEY);
    const changed = (await rows(0)).find((row) => row.id === 7)!;
    const recorded = storedActivities().filter((activity) => activity.targetContactId === 7);
    expect(recorded).toHaveLength(1);
    expect(changed.last_changed).toMatch(TIMESTAMP);
    expect(changed.last_changed).toBe(recorded[0].date);
    expect(changed.key_hint).toBe(lastHint(KEY));
    // Nobody else's row moved.
    expect((await rows(0)).filter((row) => row.id !== 7).every((row) => row.last_changed === null)).toBe(true);

    await setKey(7, 'Zq8WmR3tY6uI1oP4aS7dF0gH2jK5lX9c');
    const newest = storedActivities().filter((activity) => activity.targetContactId === 7).map((activity) => activity.date).sort().at(-1);
    expect((await rows(0)).find((row) => row.id === 7)!.last_changed).toBe(newest);
  });

  it('counts the contact as target only: the administrator who changed keys has no change of their own', async () => {
    await setKey(2, 'AdminKey1234567890abcdef');
    await setKey(8, KEY);
    const adminRow = (await rows(PAGE_SIZE)).find((row) => row.id === 2)!;
    const targets = storedActivities().filter((activity) => activity.targetContactId === 2);
    expect(adminRow.last_changed).toBe(targets[0].date);
    // As source, the administrator has both changes; the newest is the one on contact 8.
    const asSource = await rows(PAGE_SIZE, {
      join: [['Activity AS activity', 'LEFT', 'ActivityContact', ['activity.record_type_id:name', '=', '"Activity Source"']]],
    });
    expect(asSource.find((row) => row.id === 2)!.last_changed).toBe(storedActivities().map((activity) => activity.date).sort().at(-1));
  });

  it("reads a string in a join condition in either quote, as CiviCRM's expression parser does", async () => {
    await setKey(9, KEY);
    // The page's own join, with every "..." literal written '...' instead.
    const singleQuoted = JSON.parse(JSON.stringify(keyHolderQuery(0, PAGE_SIZE).join).replace(/\\"([^"\\]*)\\"/g, "'$1'"));
    expect(JSON.stringify(singleQuoted)).toContain("'Activity Targets'");
    const single = await rows(0, { join: singleQuoted });
    expect(single).toEqual(await rows(0));
    expect(single.find((row) => row.id === 9)!.last_changed).toMatch(TIMESTAMP);
  });

  it('finds no change for another activity type', async () => {
    await setKey(9, KEY);
    const other = await rows(0, {
      join: [['Activity AS activity', 'LEFT', 'ActivityContact', ['activity.activity_type_id:name', '=', '"Meeting"']]],
    });
    expect(other.every((row) => row.last_changed === null)).toBe(true);
  });
});

describe('who may list keys', () => {
  useInProcessDemo((started) => ({ demo, admin } = started));

  // CiviCRM drops the api_key condition silently for them (Api4Query::treeWalkClauses; older cores
  // fail with "Invalid field") and lists every contact they can see, without key_hint: the page
  // reads a row without key_hint as a refusal (docs/overview-query.md).
  it.each(['staff', 'self'] as const)('%s: HTTP 200, every contact, and no key_hint', async (name) => {
    const cookie = await logIn(demo, name);
    const answer = await page(0, cookie, { limit: 100 });
    expect(answer.status).toBe(200);
    expect(answer.json.values.length).toBe(Object.keys(CONTACTS).length);
    for (const row of answer.json.values) expect(Object.keys(row)).not.toContain('key_hint');
    // Contacts without a key are listed too: the condition was dropped, not applied.
    expect(answer.json.values.map((row: { display_name: string }) => row.display_name)).toContain('Jane Doe');
  });

  it('staff selecting RIGHT(api_key, 4) without the condition get the contacts without key_hint, as CiviCRM drops the expression', async () => {
    const staff = await logIn(demo, 'staff');
    const answer = await api4(demo, 'Contact', 'get', { select: ['id', 'RIGHT(api_key, 4) AS key_hint'], where: [['id', '=', 6]] }, { cookie: staff });
    expect(answer.status).toBe(200);
    expect(answer.json.values).toEqual([{ id: 6 }]);
  });

  it('nobody logged in: HTTP 200 and nothing, as for any call without a session', async () => {
    const answer = await page(0, '');
    expect(answer.status).toBe(200);
    expect(answer.json.values).toEqual([]);
  });
});

describe('what the demo does not implement is refused, not ignored', () => {
  useInProcessDemo((started) => ({ demo, admin } = started));

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['an unknown parameter', { having: [['last_changed', 'IS NOT NULL']] }, /parameter "having"/],
    ['another join', { join: [['Email AS email', 'LEFT', ['email.contact_id', '=', 'id']]] }, /joins only/],
    ['an INNER join', { join: [['Activity AS activity', 'INNER', 'ActivityContact']] }, /joins only/],
    ['a join condition on another field', { join: [['Activity AS activity', 'LEFT', 'ActivityContact', ['activity.subject', '=', '"x"']]] }, /join condition/],
    ['an unquoted name in a join condition', { join: [['Activity AS activity', 'LEFT', 'ActivityContact', ['activity.record_type_id:name', '=', 'Activity Targets']]] }, /join condition/],
    ['grouping by another field', { groupBy: ['sort_name'] }, /groups only by id/],
    ['a join without grouping', { groupBy: [] }, /only with groupBy/],
    ['a lowercase function', { select: ['id', 'right(api_key, 4) AS key_hint'] }, /must be uppercase/],
    ['a function the demo lacks', { select: ['id', 'LEFT(api_key, 4) AS key_start'] }, /SQL function LEFT/],
    ['an alias that is a field', { select: ['id', 'RIGHT(api_key, 4) AS display_name'] }, /existing field name as alias/],
    ['a sort direction CiviCRM refuses', { orderBy: { sort_name: 'UP' } }, /Invalid sort direction/],
    ['a sort on an unknown field', { orderBy: { nickname: 'ASC' } }, /Invalid field 'nickname'/],
    ['an operator the demo lacks', { where: [['api_key', 'LIKE', '%a']] }, /Illegal operator/],
  ])('%s: HTTP 500, saying so to a user with view debug output', async (_, overrides, message) => {
    const answer = await page(0, admin, overrides);
    expect(answer.status).toBe(500);
    expect(answer.json.error_message).toMatch(message);
  });
});

describe('the page', () => {
  useInProcessDemo((started) => ({ demo, admin } = started));

  async function open(path: string, cookie?: string) {
    const response = await fetch(new URL(path, demo.url), { headers: cookie ? { Cookie: cookie } : {} });
    const html = await response.text();
    return { response, html, document: new JSDOM(html).window.document };
  }

  it('administrator: the component of templates/CRM/ApiKeyTab/Page/KeyOverview.tpl in an admin page, with its module', async () => {
    const { response, html, document } = await open('/civicrm/admin/apikeys?reset=1', admin);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=UTF-8');
    expect(document.querySelector('h1.crm-page-title')?.textContent).toBe('API Keys');
    expect(document.querySelector('.breadcrumb')?.textContent).toContain('Administer » Users and Permissions');
    const component = document.querySelector('main crm-angular-js[modules="crmApiKeyOverview"] > crm-api-key-overview');
    expect(component).not.toBeNull();
    expect(component!.attributes).toHaveLength(0);
    const scripts = [...document.querySelectorAll('script[src]')].map((script) => script.getAttribute('src'));
    expect(scripts).toEqual(['/assets/jquery.min.js', '/assets/angular.min.js', '/demo/crm-runtime.js', '/js/crmApiKeyOverview.js', '/demo/demo-page.js']);
    const partials = JSON.parse(document.getElementById('crm-demo-partials')!.textContent!);
    expect(Object.keys(partials)).toContain('~/crmApiKeyOverview/keyOverview.html');
    const settings = JSON.parse(document.getElementById('crm-demo-settings')!.textContent!);
    expect(settings.angRequires.crmApiKeyOverview).toEqual(['crmResource', 'api4']);
    expect(settings.cid).toBe(2);
    // The page itself carries no key: the component asks for hints.
    for (const id of INTEGRATION_IDS) expect(html).not.toContain(seedApiKey(id).slice(-8));
  });

  it('serves the bundle the page loads', async () => {
    const response = await fetch(new URL('/js/crmApiKeyOverview.js', demo.url));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await response.text()).toContain('crmApiKeyOverview');
  });

  it.each(['staff', 'self'] as const)('%s: HTTP 403 "You do not have permission", without the module', async (name) => {
    const { response, html, document } = await open(`/civicrm/admin/apikeys?user=${name}`);
    expect(response.status).toBe(403);
    expect(document.querySelector('[role="alert"]')?.textContent).toBe('You do not have permission to access this page.');
    expect(html).not.toContain('crmApiKeyOverview');
    expect(html).not.toContain('crm-demo-partials');
  });

  it('links to itself from the demo bar for the administrator only', async () => {
    const forAdmin = await open('/?cid=3', admin);
    expect(forAdmin.document.querySelector('.demo-bar a[href="/civicrm/admin/apikeys"]')).not.toBeNull();
    const forStaff = await open('/?user=staff&cid=3');
    expect(forStaff.document.querySelector('.demo-bar a[href="/civicrm/admin/apikeys"]')).toBeNull();
  });

  it("opens a row's link, civicrm/contact/view with selectedChild=apikey, on that contact's API Key tab", async () => {
    const { response, document } = await open('/civicrm/contact/view?reset=1&cid=18&selectedChild=apikey', admin);
    expect(response.status).toBe(200);
    expect(document.querySelector('h1.crm-page-title')?.textContent?.trim()).toBe('Integration 12');
    expect(document.querySelector('li#tab_apikey')?.getAttribute('aria-selected')).toBe('true');
    const tab = document.querySelector('crm-api-key-tab')!;
    expect(JSON.parse(tab.getAttribute('key-hint')!)).toBe(lastHint(seedApiKey(18)));
    expect(JSON.parse(tab.getAttribute('has-key')!)).toBe(true);
  });

  it('refuses other methods like the other pages', async () => {
    expect((await fetch(new URL('/civicrm/admin/apikeys', demo.url), { method: 'POST' })).status).toBe(405);
  });
});
