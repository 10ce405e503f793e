// The whole life of a key with the keyboard only: Tab, Enter, Space and Escape, from the tab list.
// After each action, focus must land where the user can go on without hunting for it.
import { beforeEach, expect, it } from 'vitest';
import { eventually, useDemoInChromium, type TabPage } from './support/browser';

const ui = useDemoInChromium();
const JANE = 3;

beforeEach(async () => {
  await ui.control.setKey(JANE, null);
});

async function expectFocusOn(tab: TabPage, name: string): Promise<void> {
  await eventually(() => tab.focusedName()).toBe(name);
}

/** The key field has focus with its whole text selected, so one Ctrl+C copies the key. */
async function expectKeyFieldFocusedAndSelected(tab: TabPage, label: string): Promise<string> {
  await expectFocusOn(tab, label);
  const key = await tab.shownKey();
  const selection = await tab.keyField.evaluate((field) => [(field as HTMLInputElement).selectionStart, (field as HTMLInputElement).selectionEnd]);
  expect(selection).toEqual([0, key.length]);
  return key;
}

it('generates, hides, shows, copies, regenerates and revokes a key without a mouse', async () => {
  await ui.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(ui.control.url).origin });
  const tab = await ui.open('admin', JANE);
  const { keyboard } = tab.page;

  // The page's tab list follows the WAI-ARIA pattern: the selected tab is the one in the Tab order.
  await tab.page.locator('li#tab_summary').focus();
  await keyboard.press('ArrowRight');
  await keyboard.press('Enter');
  await tab.panel.waitFor({ state: 'visible' });
  // The Expires choice (issue 13) comes first: how long the key to generate lasts.
  await keyboard.press('Tab');
  await expectFocusOn(tab, 'Expires');
  await keyboard.press('Tab');
  await expectFocusOn(tab, 'Generate key');

  await keyboard.press('Enter');
  const key = await expectKeyFieldFocusedAndSelected(tab, 'New API key');
  expect(ui.control.storedKey(JANE)).toBe(key);

  // Change expiry sits by the expiry line, between the key and its buttons.
  await keyboard.press('Tab');
  await expectFocusOn(tab, 'Change expiry');
  await keyboard.press('Tab');
  await expectFocusOn(tab, 'Hide key');
  await keyboard.press('Space');
  await tab.maskedKey.waitFor();
  await expectFocusOn(tab, 'Show key');

  await keyboard.press('Enter');
  await expectFocusOn(tab, 'Hide key');
  expect(await tab.shownKey()).toBe(key);

  await keyboard.press('Tab');
  await expectFocusOn(tab, 'Copy key');
  await keyboard.press('Enter');
  await eventually(() => tab.status.innerText()).toContain('Key copied.');
  await expectFocusOn(tab, 'Copy key');
  expect(await tab.page.evaluate(() => navigator.clipboard.readText())).toBe(key);

  await keyboard.press('Tab');
  await expectFocusOn(tab, 'Test key');
  await keyboard.press('Tab');
  await expectFocusOn(tab, 'Expires');
  await keyboard.press('Tab');
  await expectFocusOn(tab, 'Regenerate key');

  // Escape cancels the dialog and gives focus back to the button that opened it.
  await keyboard.press('Enter');
  await tab.dialog.waitFor();
  await expectFocusOn(tab, 'Cancel');
  await keyboard.press('Escape');
  await tab.dialog.waitFor({ state: 'detached' });
  await expectFocusOn(tab, 'Regenerate key');
  expect(ui.control.storedKey(JANE)).toBe(key);

  await keyboard.press('Space');
  await tab.dialog.waitFor();
  await keyboard.press('Tab');
  await expectFocusOn(tab, 'Regenerate');
  await keyboard.press('Enter');
  await eventually(() => tab.keyField.inputValue()).not.toBe(key);
  const regenerated = await expectKeyFieldFocusedAndSelected(tab, 'New API key');
  expect(ui.control.storedKey(JANE)).toBe(regenerated);

  await keyboard.press('Tab');
  await keyboard.press('Tab');
  await expectFocusOn(tab, 'Hide key');
  await keyboard.press('Space');
  await expectFocusOn(tab, 'Show key');
  for (const next of ['Copy key', 'Test key', 'Expires', 'Regenerate key', 'Revoke key']) {
    await keyboard.press('Tab');
    await expectFocusOn(tab, next);
  }

  // The Cancel button, reached and pressed by keyboard, also gives focus back.
  await keyboard.press('Enter');
  await tab.dialog.waitFor();
  await expectFocusOn(tab, 'Cancel');
  await keyboard.press('Enter');
  await tab.dialog.waitFor({ state: 'detached' });
  await expectFocusOn(tab, 'Revoke key');

  // The dialog keeps focus inside: Shift+Tab from Cancel wraps round to Revoke.
  await keyboard.press('Enter');
  await tab.dialog.waitFor();
  await keyboard.press('Shift+Tab');
  await expectFocusOn(tab, 'Revoke');
  await keyboard.press('Space');
  await eventually(() => tab.text()).toContain('This contact has no API key.');
  await expectFocusOn(tab, 'Generate key');
  expect(ui.control.storedKey(JANE)).toBeNull();
});

it('Enter a key: the field gets focus, Enter submits, Cancel gives focus back to Enter a key', async () => {
  const tab = await ui.openTab('admin', JANE);
  await tab.button('Enter a key').focus();
  await tab.page.keyboard.press('Enter');
  await expectFocusOn(tab, 'API key');

  await tab.page.keyboard.type('too-short');
  await tab.page.keyboard.press('Enter');
  await eventually(() => tab.typedKeyError.innerText()).toContain('Too short');
  await expectFocusOn(tab, 'API key');

  // Tab past the help text and the Expires choice and Save key to Cancel.
  await tab.page.keyboard.press('Tab');
  await expectFocusOn(tab, 'Expires');
  await tab.page.keyboard.press('Tab');
  await expectFocusOn(tab, 'Save key');
  await tab.page.keyboard.press('Tab');
  await expectFocusOn(tab, 'Cancel');
  await tab.page.keyboard.press('Enter');
  await tab.typedKeyField.waitFor({ state: 'detached' });
  await expectFocusOn(tab, 'Enter a key');
  expect(ui.control.storedKey(JANE)).toBeNull();
});
