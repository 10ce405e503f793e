// 1.1 in Chromium: the read-only tab of a viewer who may read keys but not edit the contact
// (the demo's `reader`, as wire 38/39), a contact in the trash, the way to the key overview, and
// dates in the site's format.
import { describe, expect, it } from 'vitest';
import { eventually, useDemoInChromium } from './support/browser';

const ui = useDemoInChromium();
const JANE = 3;
const JANE_KEY = 'JaneReadOnlyKey0123456789abcdXy';
// CiviCRM's default dateformatDatetime ('%B %E%f, %Y %l:%M %P'), which the demo's site uses.
const SITE_DATE = /[A-Z][a-z]+ \d{1,2}(st|nd|rd|th), \d{4} \d{1,2}:\d{2} (AM|PM)/;

/** Jane Doe's row of the overview: page 2, after the 40 integrations sorted as "NN, Integration". */
async function overviewRowOfJane(page: import('playwright-core').Page) {
  await page.goto(new URL('/civicrm/admin/apikeys?user=admin', ui.control.url).href);
  await page.locator('tbody tr').first().waitFor();
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  const row = page.locator('tbody tr', { hasText: 'Jane Doe' });
  await row.waitFor();
  return row;
}

describe('a viewer who may read keys but not edit the contact', () => {
  it('sees the key masked with Show, Copy and Test, the reason, and nothing that would be refused', async () => {
    await ui.control.setKey(JANE, JANE_KEY);
    const tab = await ui.openTab('reader', JANE);
    expect(await tab.actions()).toEqual(['Show key', 'Copy key', 'Test key']);
    expect(await tab.text()).toContain('You cannot edit this contact, so you cannot change its key.');
    expect(await tab.maskedKey.innerText()).toContain(JANE_KEY.slice(-4));

    await tab.button('Show key').click();
    expect(await tab.shownKey()).toBe(JANE_KEY);
    expect(await tab.actions()).toEqual(['Hide key', 'Copy key', 'Test key']);
    await tab.panel.getByText('How to use this key', { exact: true }).click();
    expect(await tab.panel.locator('.crm-apikey-example').innerText()).toContain(JANE_KEY);
    expect(ui.control.storedKey(JANE)).toBe(JANE_KEY);
  });

  it('follows "All API keys" to the overview, which lets them in', async () => {
    const tab = await ui.openTab('reader', JANE);
    await tab.panel.getByRole('link', { name: 'All API keys' }).click();
    await tab.page.waitForURL(/\/civicrm\/admin\/apikeys/);
    await eventually(() => tab.page.locator('h2').first().innerText()).toBe('Contacts with an API key');
  });
});

describe('a contact in the trash', () => {
  it('the tab says the key still works until revoked; the overview lists it "in trash"', async () => {
    await ui.control.setKey(JANE, JANE_KEY);
    await ui.control.trash(JANE, true);
    try {
      const tab = await ui.openTab('admin', JANE);
      expect(await tab.text()).toContain('This contact is in the trash. Its API key still works until it is revoked.');

      const row = await overviewRowOfJane(tab.page);
      expect(await row.innerText()).toContain('in trash');
    } finally {
      await ui.control.trash(JANE, false);
    }
  });

  it("the demo's own \"In the trash\" box moves the contact there and back", async () => {
    await ui.control.setKey(JANE, JANE_KEY);
    let tab = await ui.openTab('admin', JANE);
    expect(await tab.text()).not.toContain('in the trash');
    await Promise.all([tab.page.waitForEvent('load'), tab.page.getByLabel('In the trash').check()]);
    tab = ui.tab();
    await tab.tabItem.locator('a').click();
    await eventually(() => tab.text()).toContain('This contact is in the trash.');
    await Promise.all([tab.page.waitForEvent('load'), tab.page.getByLabel('In the trash').uncheck()]);
    tab = ui.tab();
    await tab.tabItem.locator('a').click();
    await eventually(() => tab.text()).toContain('Other systems use this key');
    expect(await tab.text()).not.toContain('in the trash');
  });
});

describe('dates in the site format', () => {
  it('Last changed on the tab and on the overview read as CiviCRM writes dates', async () => {
    await ui.control.setKey(JANE, JANE_KEY);
    const tab = await ui.openTab('admin', JANE);
    const line = await tab.panel.locator('.crm-apikey-last-change').innerText();
    expect(line).toMatch(new RegExp(`^Last changed ${SITE_DATE.source} by Standalone Admin$`));
    expect(line).not.toMatch(/\d{4}-\d{2}-\d{2}/);

    const row = await overviewRowOfJane(tab.page);
    expect(await row.innerText()).toMatch(SITE_DATE);
  });
});
