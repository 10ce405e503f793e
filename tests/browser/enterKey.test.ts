// Enter a key, for an integration that already has one: checked in the browser before anything
// is sent, unique across contacts, saved exactly, and confirmed before it replaces a key.
import { beforeEach, expect, it } from 'vitest';
import { eventually, useDemoInChromium, type TabPage } from './support/browser';

const ui = useDemoInChromium();
const ADMIN = 2;
const JANE = 3;
const LEGACY_KEY = 'Legacy-key_0123456789abcdef';

beforeEach(async () => {
  await ui.control.setKey(JANE, null);
  await ui.control.resetRequests();
});

async function submitTypedKey(tab: TabPage, value: string): Promise<void> {
  await tab.typedKeyField.fill(value);
  await tab.button('Save key').click();
}

it('refuses malformed keys next to the field without sending anything, then saves a valid one exactly', async () => {
  const tab = await ui.openTab('admin', JANE);
  await tab.button('Enter a key').click();
  const refused: Array<[string, string]> = [
    ['short-key', 'Too short: at least 16 characters.'],
    ['abcdefgh ijklmnopq', 'Remove the spaces'],
    ['A'.repeat(33), 'Too long: at most 32 characters'],
    ['abcdéfghijklmnopqrs', 'Use only A-Z a-z 0-9 - and _.'],
  ];
  for (const [value, message] of refused) {
    await submitTypedKey(tab, value);
    await eventually(() => tab.typedKeyError.innerText()).toContain(message);
    expect(await tab.typedKeyField.getAttribute('aria-invalid')).toBe('true');
    expect(await tab.typedKeyField.inputValue()).toBe(value);
  }

  await submitTypedKey(tab, LEGACY_KEY);
  expect(await tab.shownKey()).toBe(LEGACY_KEY);
  expect(ui.control.storedKey(JANE)).toBe(LEGACY_KEY);
  expect(await tab.badge.innerText()).toBe('1');
  // The uniqueness check and the save: nothing was sent for the four refused values.
  expect(await ui.control.requests()).toEqual({ 'Contact.get': 1, 'Contact.update': 1 });
});

it('refuses a key another contact already uses, saying only that it is in use', async () => {
  const adminKey = 'adminkeyadminkeyadminkeyadminkey';
  await ui.control.setKey(ADMIN, adminKey);
  const tab = await ui.openTab('admin', JANE);
  await tab.button('Enter a key').click();
  await submitTypedKey(tab, adminKey);

  await eventually(() => tab.typedKeyError.innerText()).toContain('This key is already in use. Choose another.');
  // Which contact holds it is none of this viewer's business here ("Last changed by" may name the admin).
  for (const message of [tab.typedKeyError, tab.status, tab.alert]) expect(await message.innerText()).not.toMatch(/Standalone Admin|contact 2/);
  expect(ui.control.storedKey(JANE)).toBeNull();
  expect(await ui.control.requests()).toEqual({ 'Contact.get': 1 });
});

it('asks "Replace" before replacing an existing key; Cancel keeps both the old key and the typed one', async () => {
  const oldKey = 'OldKeyOldKeyOldKeyOldKeyOldKey01';
  await ui.control.setKey(JANE, oldKey);
  const tab = await ui.openTab('admin', JANE);
  tab.remember(oldKey);
  await tab.button('Enter a key').click();
  await submitTypedKey(tab, LEGACY_KEY);

  await tab.dialog.waitFor();
  expect(await tab.dialog.innerText()).toContain('Anything using the current key stops working at once.');
  await tab.dialogButton('Cancel').click();
  await tab.dialog.waitFor({ state: 'detached' });
  expect(await tab.typedKeyField.inputValue()).toBe(LEGACY_KEY);
  expect(ui.control.storedKey(JANE)).toBe(oldKey);

  await tab.button('Save key').click();
  await tab.dialogButton('Replace').click();
  expect(await tab.shownKey()).toBe(LEGACY_KEY);
  expect(ui.control.storedKey(JANE)).toBe(LEGACY_KEY);
  // Two uniqueness checks (one per Save key), and the one update after Replace.
  expect(await ui.control.requests()).toEqual({ 'Contact.get': 2, 'Contact.update': 1 });
});
