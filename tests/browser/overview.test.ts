// The key overview page (Administer > Users and Permissions > API Keys) in Chromium against the
// demo, which seeds 40 "Integration" contacts with keys so that paging shows.
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { violations } from './support/axe';
import { eventually, useDemoInChromium, type DemoUserName } from './support/browser';

const ui = useDemoInChromium();

async function openOverview(user: DemoUserName): Promise<Page> {
  const { page } = await ui.open(user, 3);
  const response = await page.goto(new URL('/civicrm/admin/apikeys', ui.demo.url).href);
  const allowed = user === 'admin' || user === 'reader';
  if (allowed) await page.locator('.crm-apikey-overview tbody tr').first().waitFor();
  expect(response?.status()).toBe(allowed ? 200 : 403);
  return page;
}

const rows = (page: Page) => page.locator('.crm-apikey-overview tbody tr');
const names = (page: Page) => page.locator('.crm-apikey-overview tbody tr td:first-child').allInnerTexts();
const button = (page: Page, name: string) => page.locator('.crm-apikey-overview').getByRole('button', { name, exact: true });

it('lists the contacts with a key, 25 a page, one Contact.get a page, keys masked to their last 4', async () => {
  await ui.control.setKey(3, null);
  await ui.control.resetRequests();
  const page = await openOverview('admin');
  expect(await rows(page).count()).toBe(25);
  expect(await ui.control.requests()).toEqual({ 'Contact.get': 1 });

  const firstName = (await names(page))[0];
  const firstId = Number(new URL((await rows(page).first().locator('a').getAttribute('href'))!, ui.demo.url).searchParams.get('cid'));
  const key = ui.control.storedKey(firstId)!;
  expect(await rows(page).first().innerText()).toContain(`••••${key.slice(-4)}`);
  // Only the last 4 characters of any key ever reach the page.
  const html = await page.content();
  for (let id = 2; id <= 46; id++) {
    const stored = ui.control.storedKey(id);
    if (stored) expect(html).not.toContain(stored);
  }

  await button(page, 'Next').click();
  await eventually(() => names(page)).not.toContain(firstName);
  const secondPage = await rows(page).count();
  expect(secondPage).toBeGreaterThan(0);
  expect(secondPage).toBeLessThanOrEqual(25);
  expect(await button(page, 'Next').isDisabled()).toBe(true);
  await eventually(() => page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Previous');
  await button(page, 'Previous').click();
  await eventually(() => names(page).then((list) => list[0])).toBe(firstName);
  expect(await ui.control.requests()).toEqual({ 'Contact.get': 3 });
});

it('a reader without edit access to contacts gets the list but no Revoke key (core would refuse it, wire 38)', async () => {
  const page = await openOverview('reader');
  expect(await rows(page).count()).toBe(25);
  expect(await page.locator('.crm-apikey-overview').getByRole('button', { name: /^Revoke key/ }).count()).toBe(0);
  expect(await page.locator('.crm-apikey-overview').innerText()).toContain('To revoke a key, open the contact’s API Key tab.');
});

it('links each name to the contact\'s API Key tab', async () => {
  const page = await openOverview('admin');
  const link = rows(page).first().locator('a');
  const name = await link.innerText();
  await link.click();
  await page.locator('#contact-apikey .crm-apikey-tab').waitFor();
  expect(await page.locator('#contact-apikey').isVisible()).toBe(true);
  expect(await page.locator('h1').first().innerText()).toContain(name);
});

it('Revoke asks first, then revokes with one update and takes the row away; the tab agrees', async () => {
  const page = await openOverview('admin');
  const first = rows(page).first();
  const name = await first.locator('a').innerText();
  const id = Number(new URL((await first.locator('a').getAttribute('href'))!, ui.demo.url).searchParams.get('cid'));
  await ui.control.resetRequests();

  await first.getByRole('button', { name: `Revoke key: ${name}` }).click();
  const dialog = page.locator('.ui-dialog[role=dialog]');
  expect(await dialog.innerText()).toContain(name);
  await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
  expect(await ui.control.requests()).toEqual({});
  expect(ui.control.storedKey(id)).not.toBeNull();

  await first.getByRole('button', { name: `Revoke key: ${name}` }).click();
  await dialog.getByRole('button', { name: 'Revoke', exact: true }).click();
  await eventually(() => names(page)).not.toContain(name);
  expect(await page.locator('.crm-apikey-overview [role=status]').innerText()).toContain(`The API key of ${name} was revoked.`);
  expect(await ui.control.requests()).toEqual({ 'Contact.update': 1 });
  expect(ui.control.storedKey(id)).toBeNull();

  const tab = await ui.openTab('admin', id);
  expect(await tab.text()).toContain('This contact has no API key.');
});

it('shows when a key last changed, from the activity the change recorded', async () => {
  const tab = await ui.openTab('admin', 3);
  await ui.control.setKey(3, null);
  await tab.page.reload();
  await tab.tabItem.locator('a').click();
  await tab.button('Generate key').click();
  await tab.shownKey();
  const page = await openOverview('admin');
  const jane = rows(page).filter({ hasText: 'Jane Doe' });
  for (let pages = 0; pages < 3 && !(await jane.count()); pages++) {
    const firstBefore = (await names(page))[0];
    await button(page, 'Next').click();
    await eventually(() => names(page).then((list) => list[0])).not.toBe(firstBefore);
  }
  // The site's date format (CiviCRM's default dateformatDatetime, '%B %E%f, %Y %l:%M %P').
  expect(await jane.innerText()).toMatch(/[A-Z][a-z]+ \d{1,2}(st|nd|rd|th), \d{4} \d{1,2}:\d{2} (AM|PM)/);
});

it('is closed to users who may not read keys', async () => {
  for (const user of ['self', 'staff'] as const) {
    const page = await openOverview(user);
    expect(await page.locator('body').innerText()).toContain('You do not have permission');
    expect(await page.locator('.crm-apikey-overview').count()).toBe(0);
  }
});

it('has no axe violations, with the revoke dialog open too', async () => {
  const page = await openOverview('admin');
  expect(await violations(page, ['.crm-apikey-overview'])).toEqual([]);
  await rows(page).first().getByRole('button').click();
  await page.locator('.ui-dialog[role=dialog]').waitFor();
  expect(await violations(page, ['.ui-dialog'])).toEqual([]);
});
