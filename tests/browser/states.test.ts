// Every state of the tab, reached by real clicks as the administrator on Jane Doe (contact 3),
// and what each action costs in requests, counted by the demo server.
import { beforeEach, describe, expect, it } from 'vitest';
import { eventually, useDemoInChromium, type TabPage } from './support/browser';

const ui = useDemoInChromium();
const JANE = 3;
// Change expiry (issue 13) comes with every key the viewer may change, a new one included.
const MASKED_ACTIONS = ['Change expiry', 'Show key', 'Copy key', 'Test key', 'Regenerate key', 'Revoke key', 'Enter a key'];

beforeEach(async () => {
  await ui.control.setKey(JANE, null);
  await ui.control.resetRequests();
});

async function expectBadge(tab: TabPage, count: 0 | 1): Promise<void> {
  await eventually(() => tab.badge.textContent()).toBe(String(count));
  const classes = (await tab.tabItem.getAttribute('class'))!.split(/\s+/);
  expect(classes.filter((name) => name.startsWith('crm-count-'))).toEqual([`crm-count-${count}`]);
}

async function expectMasked(tab: TabPage, key: string): Promise<void> {
  await tab.maskedKey.waitFor();
  expect(await tab.maskedKey.innerText()).toMatch(new RegExp(`•{28}${key.slice(-4)}`));
  expect(await tab.keyField.count()).toBe(0);
  expect(await tab.page.evaluate(() => document.documentElement.outerHTML)).not.toContain(key);
  expect(await tab.actions()).toEqual(MASKED_ACTIONS);
}

/** Clicks a button that asks first, and answers the dialog. */
async function confirm(tab: TabPage, button: string, answer: string): Promise<void> {
  await tab.button(button).click();
  await tab.dialog.waitFor();
  await tab.dialogButton(answer).click();
  await tab.dialog.waitFor({ state: 'detached' });
}

describe('the administrator on an integration contact', () => {
  it('goes through every state with real clicks: generate, hide, show, copy, regenerate, revoke', async () => {
    await ui.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(ui.control.url).origin });
    const tab = await ui.openTab('admin', JANE);

    expect(await tab.text()).toContain('This contact has no API key.');
    expect(await tab.actions()).toEqual(['Generate key', 'Enter a key']);
    await expectBadge(tab, 0);

    await tab.button('Generate key').click();
    const key = await tab.shownKey();
    expect(key).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(ui.control.storedKey(JANE)).toBe(key);
    expect(await tab.panel.getByLabel('New API key', { exact: true }).inputValue()).toBe(key);
    expect(await tab.keyField.getAttribute('readonly')).not.toBeNull();
    expect(await tab.keyField.evaluate((field) => getComputedStyle(field).fontFamily)).toMatch(/mono|Menlo|Consolas/i);
    expect(await tab.status.innerText()).toContain('Copy it now and store it safely');
    expect(await tab.actions()).toEqual(['Change expiry', 'Hide key', 'Copy key', 'Test key']);
    await expectBadge(tab, 1);

    await tab.button('Hide key').click();
    await expectMasked(tab, key);

    await tab.button('Show key').click();
    expect(await tab.shownKey()).toBe(key);
    expect(await tab.panel.getByLabel('Current API key', { exact: true }).inputValue()).toBe(key);

    await tab.button('Copy key').click();
    await eventually(() => tab.status.innerText()).toContain('Key copied.');
    expect(await tab.page.evaluate(() => navigator.clipboard.readText())).toBe(key);

    await tab.button('Regenerate key').click();
    await tab.dialog.waitFor();
    expect(await tab.dialog.innerText()).toContain('Anything using the current key stops working at once.');
    expect((await tab.dialog.getByRole('button').allTextContents()).sort()).toEqual(['Cancel', 'Regenerate']);
    await tab.dialogButton('Cancel').click();
    await tab.dialog.waitFor({ state: 'detached' });
    expect(await tab.shownKey()).toBe(key);
    expect(ui.control.storedKey(JANE)).toBe(key);

    await confirm(tab, 'Regenerate key', 'Regenerate');
    await eventually(() => tab.keyField.inputValue()).not.toBe(key);
    const regenerated = await tab.shownKey();
    expect(regenerated).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(ui.control.storedKey(JANE)).toBe(regenerated);
    await expectBadge(tab, 1);

    // Revoke is offered once the new key is out of sight.
    await tab.button('Hide key').click();
    await expectMasked(tab, regenerated);
    await tab.button('Revoke key').click();
    await tab.dialog.waitFor();
    expect((await tab.dialog.getByRole('button').allTextContents()).sort()).toEqual(['Cancel', 'Revoke']);
    await tab.dialogButton('Revoke').click();
    await eventually(() => tab.text()).toContain('This contact has no API key.');
    expect(await tab.status.innerText()).toContain('Key revoked');
    expect(await tab.actions()).toEqual(['Generate key', 'Enter a key']);
    expect(ui.control.storedKey(JANE)).toBeNull();
    await expectBadge(tab, 0);

    // Generate, the confirmed Regenerate and Revoke: one update each; Cancel sent nothing.
    expect((await ui.control.requests())['Contact.update']).toBe(3);
  });

  it('while saving: buttons disabled, "Saving…" shown, and a triple click sends one update', async () => {
    const tab = await ui.openTab('admin', JANE);
    await tab.armFault({ fault: 'slow', delayMs: 1500 });

    await tab.button('Generate key').click({ clickCount: 3 });
    await eventually(() => tab.status.innerText()).toContain('Saving…');
    // The tab's own buttons; Temporary token (its own component, issue 14) does not touch the key.
    const enabled = await tab.panel
      .locator('button')
      .evaluateAll((buttons) => buttons.filter((button) => !button.closest('crm-api-key-token') && !(button as HTMLButtonElement).disabled).map((button) => button.textContent?.trim()));
    expect(enabled).toEqual([]);
    // A click on the disabled button, as an impatient user would try once more.
    await tab.button('Generate key').click({ force: true });

    const key = await tab.shownKey();
    expect(ui.control.storedKey(JANE)).toBe(key);
    expect(await tab.status.innerText()).not.toContain('Saving…');
    expect(await ui.control.requests()).toEqual({ 'Contact.update': 1 });
  });

  it('keeps the key over a restart of the server', async () => {
    let tab = await ui.openTab('admin', JANE);
    await tab.button('Generate key').click();
    const key = await tab.shownKey();

    await ui.demo.restart();
    tab = await ui.openTab('admin', JANE);
    await expectMasked(tab, key);
    await expectBadge(tab, 1);
    await tab.button('Show key').click();
    expect(await tab.shownKey()).toBe(key);
  });
});

describe('request budget', () => {
  it('opening makes none; Show, Copy and Test one Contact.get each unless the key is on screen; each confirmed action one update', async () => {
    await ui.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(ui.control.url).origin });
    const key = 'BudgetKeyBudgetKeyBudgetKey01234';
    await ui.control.setKey(JANE, key);
    const tab = await ui.openTab('admin', JANE);
    const expectCounts = async (counts: Record<string, number>) => expect(await ui.control.requests()).toEqual(counts);

    await expectMasked(tab, key);
    await expectCounts({});

    await tab.button('Show key').click();
    expect(await tab.shownKey()).toBe(key);
    await expectCounts({ 'Contact.get': 1 });

    await tab.button('Copy key').click();
    await eventually(() => tab.status.innerText()).toContain('Key copied.');
    await tab.button('Test key').click();
    // Jane has no user account, so authx refuses her key; the request still counts.
    await eventually(() => tab.alert.innerText()).toContain('This key does not work yet.');
    await expectCounts({ 'Contact.get': 1, 'authx.id': 1 });

    await tab.button('Hide key').click();
    await tab.button('Copy key').click();
    await eventually(() => tab.status.innerText()).toContain('Key copied.');
    await expectCounts({ 'Contact.get': 2, 'authx.id': 1 });
    // Copy cleared the earlier failure, so the alert fills again only with this test's answer.
    await tab.button('Test key').click();
    await eventually(() => tab.alert.innerText()).toContain('This key does not work yet.');
    await expectCounts({ 'Contact.get': 3, 'authx.id': 2 });

    await confirm(tab, 'Regenerate key', 'Regenerate');
    await tab.shownKey();
    await expectCounts({ 'Contact.get': 3, 'authx.id': 2, 'Contact.update': 1 });
    await tab.button('Hide key').click();
    await confirm(tab, 'Revoke key', 'Revoke');
    await eventually(() => tab.text()).toContain('This contact has no API key.');
    await expectCounts({ 'Contact.get': 3, 'authx.id': 2, 'Contact.update': 2 });
  });
});
