// Copy key in a real browser: with the clipboard granted the key lands there and stays off the
// page; when the browser refuses, the key is shown selected with the Ctrl+C hint instead.
import { beforeEach, expect, it } from 'vitest';
import { eventually, useDemoInChromium } from './support/browser';

const ui = useDemoInChromium();
const ADMIN = 2;
const KEY = 'ClipKeyClipKeyClipKeyClipKey0123';

beforeEach(async () => {
  await ui.control.setKey(ADMIN, KEY);
  await ui.control.resetRequests();
});

it('copies the masked key to the clipboard with one Contact.get, keeping it off the page', async () => {
  await ui.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(ui.control.url).origin });
  const tab = await ui.openTab('admin', ADMIN);
  tab.remember(KEY);

  await tab.button('Copy key').click();
  await eventually(() => tab.status.innerText()).toContain('Key copied.');
  expect(await tab.page.evaluate(() => navigator.clipboard.readText())).toBe(KEY);
  expect(await tab.keyField.count()).toBe(0);
  expect(await tab.page.evaluate(() => document.documentElement.outerHTML)).not.toContain(KEY);
  expect(await tab.isFocused(tab.button('Copy key'))).toBe(true);
  expect(await ui.control.requests()).toEqual({ 'Contact.get': 1 });
});

it('when the browser refuses the clipboard: shows the key selected and says to press Ctrl+C', async () => {
  // What Chromium does without the permission or a user gesture, made certain for the test.
  await ui.context.addInitScript(() => {
    navigator.clipboard.writeText = () => Promise.reject(new DOMException('Write permission denied.', 'NotAllowedError'));
  });
  const tab = await ui.openTab('admin', ADMIN);

  await tab.button('Copy key').click();
  await eventually(() => tab.status.innerText()).toContain('Copying was refused. The key is selected: press Ctrl+C');
  expect(await tab.shownKey()).toBe(KEY);
  await eventually(() => tab.isFocused(tab.keyField)).toBe(true);
  const selection = await tab.keyField.evaluate((field) => [(field as HTMLInputElement).selectionStart, (field as HTMLInputElement).selectionEnd]);
  expect(selection).toEqual([0, KEY.length]);
});
