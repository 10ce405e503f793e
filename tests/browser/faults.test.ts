// A site misbehaves now and then (demo faults, armed on the page's session for the next call): the
// tab keeps the key it had, says why in plain words in an alert, and the same button retries.
import { beforeEach, describe, expect, it } from 'vitest';
import { eventually, useDemoInChromium, type FaultName, type TabPage } from './support/browser';

const ui = useDemoInChromium();
const JANE = 3;
const OLD_KEY = 'OldKeyOldKeyOldKeyOldKeyOldKeyAb';

beforeEach(async () => {
  await ui.control.setKey(JANE, OLD_KEY);
});

async function regenerate(tab: TabPage): Promise<void> {
  await tab.button('Regenerate key').click();
  await tab.dialogButton('Regenerate').click();
}

describe.each<[FaultName, RegExp]>([
  ['network', /No answer from the server/],
  ['403', /You do not have permission/],
  ['500', /ask an administrator to check the CiviCRM log/],
  // A PHP fatal page is not JSON: CRM.api4 rejects with undefined, as for a network failure.
  ['html', /No answer from the server\. Try again\./],
  ['deleted', /This contact no longer exists/],
  ['loggedout', /session may have expired/i],
])('a "%s" fault on Regenerate', (fault, explanation) => {
  it('keeps the old key masked, explains in an alert, and Regenerate key retries', async () => {
    const tab = await ui.openTab('admin', JANE);
    tab.remember(OLD_KEY);
    const maskedBefore = await tab.maskedKey.innerText();
    await tab.armFault({ fault });

    await regenerate(tab);
    await eventually(() => tab.alert.innerText()).toContain('The key was not changed.');
    expect(await tab.alert.innerText()).toMatch(explanation);
    expect(await tab.maskedKey.innerText()).toBe(maskedBefore);
    expect(await tab.keyField.count()).toBe(0);
    expect(await tab.badge.innerText()).toBe('1');
    await eventually(() => tab.isFocused(tab.button('Regenerate key'))).toBe(true);

    await regenerate(tab);
    const key = await tab.shownKey();
    expect(key).not.toBe(OLD_KEY);
    expect(ui.control.storedKey(JANE)).toBe(key);
    expect(await tab.alert.innerText()).toBe('');
  });
});

// CiviCRM's silent truncation, or anything else that stores another value than the one sent:
// the change happened, just not as asked, so the old key must not be shown as if it still worked.
it('an "altered" save says the key was not saved as sent and masks what the server holds now', async () => {
  const tab = await ui.openTab('admin', JANE);
  tab.remember(OLD_KEY);
  await tab.armFault({ fault: 'altered' });

  await regenerate(tab);
  await eventually(() => tab.alert.innerText()).toContain('The key was not saved as sent.');
  expect(await tab.alert.innerText()).toContain('the old key no longer works');
  const stored = ui.control.storedKey(JANE)!;
  tab.remember(stored);
  expect(stored).not.toBe(OLD_KEY);
  expect(await tab.maskedKey.innerText()).toContain(stored.slice(-4));
  expect(await tab.keyField.count()).toBe(0);
  expect(await tab.badge.innerText()).toBe('1');

  await regenerate(tab);
  const key = await tab.shownKey();
  expect(ui.control.storedKey(JANE)).toBe(key);
  expect(await tab.alert.innerText()).toBe('');
});

it('a failed save while the key is on screen leaves that key on screen', async () => {
  const tab = await ui.openTab('admin', JANE);
  await tab.button('Show key').click();
  expect(await tab.shownKey()).toBe(OLD_KEY);
  await tab.armFault({ fault: '500' });

  await regenerate(tab);
  await eventually(() => tab.alert.innerText()).toContain('The key was not changed.');
  expect(await tab.keyField.inputValue()).toBe(OLD_KEY);
  expect(ui.control.storedKey(JANE)).toBe(OLD_KEY);
});

it('a failed Show key says the key could not be loaded, stays masked, and Show key retries', async () => {
  const tab = await ui.openTab('admin', JANE);
  await tab.armFault({ fault: 'network' });
  await tab.button('Show key').click();
  await eventually(() => tab.alert.innerText()).toContain('The key could not be loaded.');
  expect(await tab.keyField.count()).toBe(0);
  await eventually(() => tab.isFocused(tab.button('Show key'))).toBe(true);

  await tab.button('Show key').click();
  expect(await tab.shownKey()).toBe(OLD_KEY);
  expect(await tab.alert.innerText()).toBe('');
});

describe('a key changed elsewhere', () => {
  it('Show key shows the current key at once, under the notice that it changed', async () => {
    const tab = await ui.openTab('admin', JANE);
    const current = 'ChangedInAnotherWindow0123456Zq9';
    await ui.control.setKey(JANE, current);
    tab.remember(current);

    await tab.button('Show key').click();
    expect(await tab.shownKey()).toBe(current);
    expect(await tab.status.innerText()).toContain('The key was changed elsewhere. This is the current one.');
    expect(await tab.isFocused(tab.button('Hide key'))).toBe(true);
    await tab.button('Hide key').click();
    expect(await tab.maskedKey.innerText()).toMatch(new RegExp(`•{28}${current.slice(-4)}`));
  });

  it('Copy key stops at the notice, so the user decides again about a key they have not seen', async () => {
    await ui.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(ui.control.url).origin });
    const tab = await ui.openTab('admin', JANE);
    const current = 'ChangedAgainElsewhere0123456Zq9x';
    await ui.control.setKey(JANE, current);
    tab.remember(current);

    await tab.button('Copy key').click();
    await eventually(() => tab.status.innerText()).toContain('The key was changed elsewhere');
    expect(await tab.status.innerText()).not.toContain('Key copied.');
    expect(await tab.keyField.count()).toBe(0);
  });

  it('revoked elsewhere: Show key falls back to "no key" and the badge to 0', async () => {
    const tab = await ui.openTab('admin', JANE);
    await ui.control.setKey(JANE, null);

    await tab.button('Show key').click();
    await eventually(() => tab.status.innerText()).toContain('The key was removed elsewhere.');
    expect(await tab.text()).toContain('This contact has no API key.');
    expect(await tab.badge.innerText()).toBe('0');
    expect(await tab.tabItem.getAttribute('class')).toContain('crm-count-0');
  });
});
