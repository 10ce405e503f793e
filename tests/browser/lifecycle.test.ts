// The key lifecycle in Chromium against the demo (issues 12, 13): the Expires choice on Generate,
// Last used after the curl example, Change expiry, an expired key refused by Test key, the daily
// job revoking it, the overview's Last used and Expires columns in the longest-unused order, the
// settings form; axe on each new state.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from './support/axe';
import { eventually, useDemoInChromium, type TabPage } from './support/browser';

const ui = useDemoInChromium();
const JANE = 3;
const JANE_KEY = 'JaneLifecycleKeyJaneLifecycle001';
const DAY_MS = 86_400_000;

type Format = (raw: string, format: string, locale?: string) => string;
let customFormat: Format;

beforeAll(async () => {
  // src/shared/siteTime.ts formats dates as the page does; its ts() comes from CRM at import.
  (globalThis as { CRM?: unknown }).CRM ??= { ts: () => (text: string) => text };
  ({ customFormat } = (await import('../../src/shared/siteTime')) as { customFormat: Format });
});

interface StoredRow {
  expires_date: string | null;
  last_used_date: string | null;
}

const stored = () => JSON.parse(readFileSync(ui.demo.dataFile, 'utf8'));
const row = (cid: number): StoredRow | undefined => stored().lifecycle.records[cid];

/** A date as the tab shows it: the site's format from the page's site-time binding, blanks tidied. */
async function shownDate(tab: TabPage, raw: string, dayOnly = false): Promise<string> {
  const siteTime = JSON.parse((await tab.panel.locator('crm-api-key-tab').getAttribute('site-time'))!);
  const format: string = dayOnly ? siteTime.format.slice(0, siteTime.format.lastIndexOf(siteTime.time_format)) : siteTime.format;
  return customFormat(raw, format, siteTime.locale).replace(/\s+/g, ' ').trim();
}

let adminCookie: string | null = null;

/** One of the demo's lifecycle controls, with an administrator session of its own. */
async function demoPost(path: string, body: object): Promise<unknown> {
  if (adminCookie === null) {
    const response = await fetch(new URL('/?user=admin', ui.demo.url));
    await response.arrayBuffer();
    adminCookie = /^([^=;]+=[0-9a-f]+)/.exec(response.headers.get('set-cookie') ?? '')![1];
  }
  const response = await fetch(new URL(path, ui.demo.url), {
    method: 'POST',
    headers: { Cookie: adminCookie, 'Content-Type': 'application/json', 'X-Requested-With': 'XMLHttpRequest' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  expect(response.status, text).toBe(200);
  return JSON.parse(text);
}

/** The tab's curl example, run from outside the browser with the site key (Jane has no user). */
async function curl(apiKey: string): Promise<number> {
  const response = await fetch(new URL('/civicrm/ajax/api4/Contact/get', ui.demo.url), {
    method: 'POST',
    headers: { 'X-Civi-Auth': `Bearer ${apiKey}`, 'X-Civi-Key': stored().siteKey, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ params: JSON.stringify({ limit: 1 }) }).toString(),
  });
  await response.arrayBuffer();
  return response.status;
}

const expiresLine = (tab: TabPage) => tab.panel.locator('.crm-apikey-expires');
const lastUsedLine = (tab: TabPage) => tab.panel.locator('.crm-apikey-last-used');

describe('on the tab', () => {
  it('Generate with "30 days": the key ends in 30 days, and the tab says when', async () => {
    await ui.control.setKey(JANE, null);
    const tab = await ui.openTab('admin', JANE);
    await expectAccessible(tab.page, 'no key, with the Expires choice');
    await tab.panel.getByLabel('Expires', { exact: true }).selectOption({ label: '30 days' });
    await tab.button('Generate key').click();
    await tab.shownKey();

    await eventually(() => row(JANE)?.expires_date ?? null).not.toBeNull();
    const expires = row(JANE)!.expires_date!;
    expect(Math.abs(Date.parse(`${expires.replace(' ', 'T')}Z`) - (Date.now() + 30 * DAY_MS))).toBeLessThan(60_000);

    await tab.page.reload();
    const again = ui.tab();
    await again.tabItem.locator('a').click();
    await eventually(() => expiresLine(again).innerText()).toBe(`Expires ${await shownDate(again, expires)} (in 30 days)`);
    expect(await lastUsedLine(again).innerText()).toBe('Never used');
    await expectAccessible(again.page, 'a key that ends, never used');
  });

  it('Generate "On a date…": a past day is refused before anything is sent; a later day ends at its last second', async () => {
    await ui.control.setKey(JANE, null);
    const tab = await ui.openTab('admin', JANE);
    await tab.panel.getByLabel('Expires', { exact: true }).selectOption({ label: 'On a date…' });
    const dateField = tab.panel.getByLabel('Expiry date', { exact: true });
    await dateField.fill(new Date(Date.now() - 2 * DAY_MS).toISOString().slice(0, 10));
    await ui.control.resetRequests();
    await tab.button('Generate key').click();
    await eventually(() => tab.panel.locator('.crm-apikey-expiry-error').innerText()).toBe('This date has passed.');
    expect(await ui.control.requests()).toEqual({});
    expect(ui.control.storedKey(JANE)).toBeNull();
    await expectAccessible(tab.page, 'a refused expiry date');

    const day = new Date(Date.now() + 10 * DAY_MS).toISOString().slice(0, 10);
    await dateField.fill(day);
    await tab.button('Generate key').click();
    await tab.shownKey();
    await eventually(() => row(JANE)?.expires_date ?? null).toBe(`${day} 23:59:59`);
    await eventually(() => expiresLine(tab).innerText()).toBe(`Expires ${await shownDate(tab, `${day} 23:59:59`)} (in 10 days)`);
  });

  it('Last used changes after the curl example is run: "today ... from 127.0.0.1"', async () => {
    await ui.control.setKey(JANE, JANE_KEY);
    const tab = await ui.openTab('admin', JANE);
    tab.remember(JANE_KEY);
    expect(await lastUsedLine(tab).innerText()).toBe('Never used');

    expect(await curl(JANE_KEY)).toBe(200);
    const used = row(JANE)!.last_used_date!;
    await tab.page.reload();
    const again = ui.tab();
    await again.tabItem.locator('a').click();
    await eventually(() => lastUsedLine(again).innerText()).toBe(`Last used today (${await shownDate(again, used)}) from 127.0.0.1`);
    await expectAccessible(again.page, 'last used, with the address');
  });

  it('the self-service user sees when their key was used, not from where', async () => {
    const kimKey = 'KimLifecycleKeyKimLifecycleKey01';
    await ui.control.setKey(5, kimKey);
    await ui.control.grantAuthx(5, true);
    const authx = await fetch(new URL('/civicrm/authx/id', ui.demo.url), { headers: { 'X-Civi-Auth': `Bearer ${kimKey}` } });
    expect(authx.status).toBe(200);
    const tab = await ui.openTab('self', 5);
    tab.remember(kimKey);
    await eventually(() => lastUsedLine(tab).innerText()).toMatch(/^Last used today \(.+\)$/);
    expect(await lastUsedLine(tab).innerText()).not.toContain('127.0.0.1');
    await ui.control.grantAuthx(5, false);
  });

  it('Change expiry (confirmed) sets a new end: 90 days', async () => {
    await ui.control.setKey(JANE, JANE_KEY);
    const tab = await ui.openTab('admin', JANE);
    tab.remember(JANE_KEY);
    expect(await expiresLine(tab).innerText()).toBe('Does not expire');

    await tab.button('Change expiry').click();
    const form = tab.panel.locator('form.crm-apikey-change-expiry');
    await form.waitFor();
    await expectAccessible(tab.page, 'changing the expiry');
    await form.getByLabel('Expires', { exact: true }).selectOption({ label: '90 days' });
    await form.getByRole('button', { name: 'Save', exact: true }).click();
    await tab.dialog.waitFor();
    await expectAccessible(tab.page, 'confirming the new expiry', ['#contact-apikey', '.ui-dialog']);
    await tab.dialogButton('Change expiry').click();

    await eventually(() => row(JANE)?.expires_date ?? null).not.toBeNull();
    const expires = row(JANE)!.expires_date!;
    expect(Math.abs(Date.parse(`${expires.replace(' ', 'T')}Z`) - (Date.now() + 90 * DAY_MS))).toBeLessThan(60_000);
    await eventually(() => expiresLine(tab).innerText()).toBe(`Expires ${await shownDate(tab, expires)} (in 90 days)`);
  });

  it('after expire-now, Test key says "This key expired on <date>"; the tab marks it expired', async () => {
    await ui.control.setKey(JANE, JANE_KEY);
    const { expires_date: expires } = (await demoPost('/demo/expire-now', { contactId: JANE })) as { expires_date: string };
    const tab = await ui.openTab('admin', JANE);
    tab.remember(JANE_KEY);
    await eventually(() => expiresLine(tab).innerText()).toBe(`Expired ${await shownDate(tab, expires)}`);
    expect(await expiresLine(tab).getAttribute('class')).toContain('crm-error');

    await tab.button('Test key').click();
    await eventually(() => tab.alert.innerText()).toContain(`This key expired on ${await shownDate(tab, expires, true)}.`);
    expect(await curl(JANE_KEY)).toBe(401);
    await expectAccessible(tab.page, 'an expired key, after Test key');
  });

  it('expired elsewhere while the tab is open: Test key names no future date and marks the line "Expired"', async () => {
    await ui.control.setKey(JANE, JANE_KEY);
    const tab = await ui.openTab('admin', JANE);
    tab.remember(JANE_KEY);
    await tab.button('Change expiry').click();
    const form = tab.panel.locator('form.crm-apikey-change-expiry');
    await form.getByLabel('Expires', { exact: true }).selectOption({ label: '30 days' });
    // While the form is open no other change is offered (so none uses a hidden choice).
    expect(await tab.actions()).not.toContain('Regenerate key');
    await tab.armFault({ fault: 'slow', delayMs: 800, action: 'setExpiry' });
    await form.getByRole('button', { name: 'Save', exact: true }).click();
    await tab.dialogButton('Change expiry').click();
    // While it saves, focus stays on a visible control, not on the page's body.
    await eventually(() => tab.status.innerText()).toContain('Saving');
    expect(await tab.page.evaluate(() => document.activeElement?.tagName)).not.toBe('BODY');
    await eventually(() => expiresLine(tab).innerText()).toMatch(/\(in 30 days\)$/);
    expect(await tab.focusedName()).toContain('Change expiry');

    await demoPost('/demo/expire-now', { contactId: JANE });
    await tab.button('Test key').click();
    await eventually(() => tab.alert.innerText()).toBe('This key no longer works. This key has expired.');
    expect(await expiresLine(tab).innerText()).toBe('Expired');
    expect(await tab.text()).not.toContain('(in 30 days)');
  });

  it('after the daily job, the tab says the contact has no key', async () => {
    await ui.control.setKey(JANE, JANE_KEY);
    await demoPost('/demo/expire-now', { contactId: JANE });
    const job = (await demoPost('/demo/run-job', {})) as { values: Array<{ revoked: number }> };
    expect(job.values[0].revoked).toBeGreaterThanOrEqual(1);
    expect(ui.control.storedKey(JANE)).toBeNull();
    const tab = await ui.openTab('admin', JANE);
    await eventually(() => tab.text()).toContain('This contact has no API key.');
    expect(await tab.badge.innerText()).toBe('0');
  });
});

describe('on the overview', () => {
  async function openOverview(): Promise<Page> {
    const { page } = await ui.open('admin', JANE);
    await page.goto(new URL('/civicrm/admin/apikeys', ui.demo.url).href);
    await page.locator('.crm-apikey-overview tbody tr').first().waitFor();
    return page;
  }
  const cells = (page: Page, column: 'last-used' | 'expires') => page.locator(`.crm-apikey-overview tbody td.crm-apikey-${column}`).allInnerTexts();

  it('shows Last used and Expires, and orders the longest unused first (never used first of all)', async () => {
    await ui.control.setKey(JANE, JANE_KEY);
    expect(await curl(JANE_KEY)).toBe(200);
    const page = await openOverview();
    const lastUsed = await cells(page, 'last-used');
    expect(lastUsed.some((text) => /^Last used .+ days ago .*\n?from 203\.0\.113\.\d+$/s.test(text.replace(/\s*\n\s*/g, '\n')))).toBe(true);
    expect((await cells(page, 'expires')).some((text) => /^Expires .+ \(in \d+ days\)$/.test(text))).toBe(true);
    await expectAccessible(page, 'overview with Last used and Expires', ['.crm-apikey-overview']);

    await page.getByLabel('Order', { exact: true }).selectOption({ label: 'Longest unused first' });
    await eventually(async () => (await cells(page, 'last-used'))[0]).toMatch(/^(Never used|not recorded)$/);
    const ordered = await cells(page, 'last-used');
    const firstUse = ordered.findIndex((text) => text.startsWith('Last used'));
    expect(firstUse).toBeGreaterThan(0);
    expect(ordered.slice(firstUse).every((text) => text.startsWith('Last used'))).toBe(true);
    // Jane's key was used just now: not on the first page of the longest unused.
    expect(await page.locator('.crm-apikey-overview tbody tr', { hasText: 'Jane Doe' }).count()).toBe(0);
  });

  it('marks an expired key', async () => {
    // Integration 01 (contact 7) comes first in the order by name.
    await demoPost('/demo/expire-now', { contactId: 7 });
    const page = await openOverview();
    const first = page.locator('.crm-apikey-overview tbody tr', { hasText: 'Integration 01' });
    await expect(first.locator('td.crm-apikey-expires').innerText()).resolves.toMatch(/^Expired \w+ \d/);
    expect(await first.locator('td.crm-apikey-expires').getAttribute('class')).toContain('crm-error');
    await expectAccessible(page, 'overview with an expired key', ['.crm-apikey-overview']);
  });
});

describe('the settings form', () => {
  it('saves a maximum, refuses nonsense with a message beside the field, and is accessible', async () => {
    const { page } = await ui.open('admin', JANE);
    await page.goto(new URL('/civicrm/admin/setting/apikeytab', ui.demo.url).href);
    await expectAccessible(page, 'settings form', ['main']);

    await page.getByLabel('Maximum key lifetime (days)', { exact: true }).fill('30');
    await page.getByLabel('Default key lifetime (days)', { exact: true }).fill('60');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.locator('main [role=alert]').innerText()).resolves.toContain('The maximum lifetime (30 days) is shorter than the default lifetime (60 days)');
    expect(stored().lifecycle.settings.apikeytab_max_lifetime).toBe(0);
    await expectAccessible(page, 'settings form with an error', ['main']);

    await page.getByLabel('Default key lifetime (days)', { exact: true }).fill('30');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.locator('main [role=status]').innerText()).resolves.toBe('Settings saved.');
    expect(stored().lifecycle.settings).toMatchObject({ apikeytab_default_lifetime: 30, apikeytab_max_lifetime: 30 });

    // Under a maximum the tab offers no "never", and preselects the default.
    await ui.control.setKey(JANE, null);
    const tab = await ui.openTab('admin', JANE);
    const choice = tab.panel.getByLabel('Expires', { exact: true });
    expect(await choice.locator('option').allInnerTexts()).not.toContain('Never');
    expect(await choice.locator('option:checked').innerText()).toBe('30 days');

    await page.goto(new URL('/civicrm/admin/setting/apikeytab', ui.demo.url).href);
    await page.getByLabel('Maximum key lifetime (days)', { exact: true }).fill('0');
    await page.getByLabel('Default key lifetime (days)', { exact: true }).fill('0');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.locator('main [role=status]').innerText()).resolves.toBe('Settings saved.');
  });
});
