// The three demo users: who sees the tab, and what a self-service user sees of their own key.
import { describe, expect, it } from 'vitest';
import { eventually, useDemoInChromium } from './support/browser';

const ui = useDemoInChromium();
const KIM = 5;

describe('the administrator', () => {
  it('sees the API Key tab on every contact', async () => {
    for (const cid of [2, 3, 4, 5]) {
      const tab = await ui.openTab('admin', cid);
      expect(await tab.tabItem.locator('a').innerText(), `contact ${cid}`).toContain('API Key');
      expect(await tab.panel.locator('.crm-apikey-tab').isVisible(), `contact ${cid}`).toBe(true);
    }
  });
});

describe('a user who may only set their own key', () => {
  it('generates it, sees it once, and after a reload is told it cannot be displayed again', async () => {
    await ui.control.setKey(KIM, null);
    let tab = await ui.openTab('self', KIM);
    await tab.button('Generate key').click();
    const key = await tab.shownKey();
    expect(ui.control.storedKey(KIM)).toBe(key);
    expect(await tab.status.innerText()).toContain('it will not be shown again');
    expect(await tab.actions()).toEqual(['Change expiry', 'Hide key', 'Copy key', 'Test key']);

    await tab.page.reload();
    tab = ui.tab();
    await tab.tabItem.locator('a').click();
    await eventually(() => tab.text()).toContain('An API key is set. It cannot be displayed again.');
    expect(await tab.actions()).toEqual(['Change expiry', 'Regenerate key', 'Revoke key', 'Enter a key']);
    expect(await tab.badge.innerText()).toBe('1');
    expect(await tab.text()).not.toContain(key.slice(-4));
    expect(await tab.page.evaluate(() => document.documentElement.outerHTML)).not.toContain(key);
  });

  it('does not see the tab on another contact', async () => {
    const tab = await ui.open('self', 3);
    expect(await tab.tabItem.count()).toBe(0);
    expect(await tab.panel.count()).toBe(0);
  });
});

describe('a user without key permissions', () => {
  it('does not see the tab on any contact, their own (4) included', async () => {
    for (const cid of [3, 4, 5]) {
      const tab = await ui.open('staff', cid);
      expect(await tab.page.locator('li#tab_summary').count(), `contact ${cid}`).toBe(1);
      expect(await tab.tabItem.count(), `contact ${cid}`).toBe(0);
      expect(await tab.panel.count(), `contact ${cid}`).toBe(0);
    }
  });
});
