// Test key asks authx who the key logs in as, without the browser's cookies; the usage help gives
// the site's absolute APIv4 URL and a curl example that really works with the key.
import type { Request } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { eventually, useDemoInChromium, type TabPage } from './support/browser';

const ui = useDemoInChromium();
const ADMIN = 2;
const JANE = 3;
const ADMIN_KEY = 'AdminOwnKeyAdminOwnKeyAdminOwn01';
const JANE_KEY = 'JaneKeyJaneKeyJaneKeyJaneKeyJa01';

beforeEach(async () => {
  await ui.control.setKey(ADMIN, ADMIN_KEY);
  await ui.control.setKey(JANE, JANE_KEY);
});

/** The headers of every authx request the page sends, as they went on the wire. */
function authxRequestHeaders(tab: TabPage): Array<Promise<Record<string, string>>> {
  const sent: Array<Promise<Record<string, string>>> = [];
  tab.page.on('request', (request: Request) => {
    if (new URL(request.url()).pathname === '/civicrm/authx/id') sent.push(request.allHeaders());
  });
  return sent;
}

describe('Test key', () => {
  it("says the administrator's own key works, and sends it without the session cookie", async () => {
    const tab = await ui.openTab('admin', ADMIN);
    tab.remember(ADMIN_KEY);
    const sent = authxRequestHeaders(tab);

    await tab.button('Test key').click();
    await eventually(() => tab.status.innerText()).toContain('This key works: it authenticates as contact 2.');
    expect(await tab.alert.innerText()).toBe('');
    expect(sent).toHaveLength(1);
    const headers = await sent[0];
    expect(headers['x-civi-auth']).toBe(`Bearer ${ADMIN_KEY}`);
    expect(headers).not.toHaveProperty('cookie');
    expect(await tab.keyField.count()).toBe(0);
  });

  it("explains the guard for Jane's key: she has no user with \"authenticate with api key\"", async () => {
    const tab = await ui.openTab('admin', JANE);
    await tab.button('Test key').click();
    await eventually(() => tab.alert.innerText()).toContain('This key does not work yet.');
    expect(await tab.alert.innerText()).toContain('authenticate with api key');
    expect(await tab.status.innerText()).not.toContain('works');
  });

  it('says CiviCRM does not know a key revoked elsewhere while it was on screen', async () => {
    const tab = await ui.openTab('admin', JANE);
    await tab.button('Show key').click();
    expect(await tab.shownKey()).toBe(JANE_KEY);
    await ui.control.setKey(JANE, null);

    await tab.button('Test key').click();
    await eventually(() => tab.alert.innerText()).toContain('CiviCRM does not know this key');
  });
});

describe('How to use this key', () => {
  it('gives the absolute APIv4 URL and a curl example with the key only while it is shown', async () => {
    const tab = await ui.openTab('admin', ADMIN);
    tab.remember(ADMIN_KEY);
    const details = tab.panel.locator('details.crm-apikey-usage');
    const example = details.locator('pre');
    expect(await details.evaluate((element) => (element as HTMLDetailsElement).open)).toBe(false);

    await details.getByText('How to use this key', { exact: true }).click();
    await example.waitFor();
    const apiUrl = new URL('/civicrm/ajax/api4/Contact/get', ui.control.url).href;
    expect(apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/civicrm\/ajax\/api4\/Contact\/get$/);
    expect(await details.locator('code.crm-apikey-url').innerText()).toBe(apiUrl);
    expect(await example.innerText()).toContain("-H 'X-Civi-Auth: Bearer YOUR_API_KEY'");
    expect(await example.innerText()).toContain(`'${apiUrl}'`);

    await tab.button('Show key').click();
    await eventually(() => example.innerText()).toContain(`-H 'X-Civi-Auth: Bearer ${ADMIN_KEY}'`);

    // The example, run as another system would run it: no cookie, the key in X-Civi-Auth.
    const text = await example.innerText();
    const [, header] = /-H '([^']+)'/.exec(text)!;
    const [, params] = /--data-urlencode '([^']+)'/.exec(text)!;
    const [name, value] = header.split(/:\s*/);
    const response = await fetch(apiUrl, {
      method: 'POST',
      headers: { [name]: value, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams([params.split(/=(.*)/s).slice(0, 2) as [string, string]]).toString(),
    });
    expect(response.status).toBe(200);
    // The site's first contact by sort_name, as CiviCRM answers without orderBy (wire 26); the same
    // call without the key is anonymous and answers no values at all (wire 19).
    expect((await response.json()).values).toEqual([{ id: 7, display_name: 'Integration 01' }]);
    const anonymous = await fetch(apiUrl, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Requested-With': 'XMLHttpRequest' }, body: new URLSearchParams([params.split(/=(.*)/s).slice(0, 2) as [string, string]]).toString() });
    expect((await anonymous.json()).values).toEqual([]);

    await tab.button('Hide key').click();
    await eventually(() => example.innerText()).toContain('Bearer YOUR_API_KEY');
    expect(await tab.page.evaluate(() => document.documentElement.outerHTML)).not.toContain(ADMIN_KEY);
  });
});
