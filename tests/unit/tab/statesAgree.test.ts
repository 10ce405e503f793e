// What the tab shows agrees with what just happened: a key refused as expired, the forms that
// exclude each other, the last use of a tested key, Change expiry logged out, an altered save's
// lines, the guard text.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { lifecycle, siteTime, withKey } from '../support/lifecycleFixtures';
import { mountTab, type MountedTab } from '../support/mount';

let tab: MountedTab;

afterEach(() => {
  tab?.destroy();
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

const expiresLine = (t: MountedTab) => t.element.querySelector('.crm-apikey-expires');
const lastUsedLine = (t: MountedTab) => t.element.querySelector('.crm-apikey-last-used')?.textContent?.trim();
const authx = (status: number, body: string) => vi.stubGlobal('fetch', vi.fn(() => Promise.resolve(new Response(body, { status }))));

describe('Test key refused as expired while the page thinks the key still runs', () => {
  it('names no future date, and marks the expiry line "Expired"', async () => {
    authx(401, 'HTTP 401 API key has expired');
    tab = await mountTab(withKey());
    expect(expiresLine(tab)?.textContent).toContain('Expires December 31st, 2026');
    await tab.click('Test key');
    expect(tab.alert()).toBe('This key no longer works. This key has expired.');
    expect(tab.text()).not.toContain('December 31st');
    expect(expiresLine(tab)?.textContent?.trim()).toBe('Expired');
    expect(expiresLine(tab)?.classList).toContain('crm-error');
  });

  it('without the lifecycle binding the tab still shows "Expired"', async () => {
    authx(401, 'HTTP 401 API key has expired');
    tab = await mountTab({ contactId: 2, hasKey: true, canView: true, keyHint: 'nkey' });
    await tab.click('Test key');
    expect(expiresLine(tab)?.textContent?.trim()).toBe('Expired');
  });
});

describe('Change expiry and Enter a key exclude the other changes', () => {
  it('while Change expiry is open, no Regenerate, Revoke, Enter a key or hidden Expires choice', async () => {
    tab = await mountTab(withKey());
    await tab.click('Change expiry');
    for (const name of ['Regenerate key', 'Revoke key', 'Enter a key', 'Change expiry', 'Generate key']) expect(tab.buttons()).not.toContain(name);
    expect(tab.element.querySelectorAll('select')).toHaveLength(1);
    await tab.click('Cancel');
    expect(tab.buttons()).toEqual(expect.arrayContaining(['Regenerate key', 'Revoke key', 'Enter a key', 'Change expiry']));
  });

  it('while Enter a key is open, no Generate key beside Save key', async () => {
    tab = await mountTab({ contactId: 3, hasKey: false, canView: true, siteTime, lifecycle: lifecycle({ expires: null }) });
    await tab.click('Enter a key');
    expect(tab.buttons()).not.toContain('Generate key');
    expect(tab.element.querySelectorAll('select')).toHaveLength(1);
  });

  it('the Expires choice and Regenerate key sit in a group of their own, apart from the current end and Change expiry', async () => {
    tab = await mountTab(withKey());
    const group = tab.element.querySelector('fieldset')!;
    expect(group.querySelector('legend')?.textContent?.trim()).toBe('New key');
    expect(group.querySelector('select')).not.toBeNull();
    expect(group.contains(tab.button('Regenerate key'))).toBe(true);
    expect(group.contains(expiresLine(tab))).toBe(false);
    expect(tab.button('Change expiry').parentElement).toBe(expiresLine(tab)!.parentElement);
  });
});

describe('a key that just worked has been used', () => {
  it('after a successful Test key: "Last used today (<now>)", without an address', async () => {
    // The browser's clock 10 s after the page's site time (08:30:00 in withKey()): SiteClock takes
    // the offset as a whole quarter hour, so "now" is 08:30:10 whatever the real time of the run.
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-12-01T08:30:10Z') });
    authx(200, '{"contact_id":2,"user_id":1,"flow":"xheader","cred":"api_key"}');
    tab = await mountTab(withKey());
    expect(lastUsedLine(tab)).toBe('Never used');
    await tab.click('Test key');
    expect(lastUsedLine(tab)).toMatch(/^Last used today \(December 1st, 2026 8:3\d AM\)$/);
  });

  it('a refused Test key is no use', async () => {
    authx(401, 'HTTP 401 Invalid credential');
    tab = await mountTab(withKey());
    await tab.click('Test key');
    expect(lastUsedLine(tab)).toBe('Never used');
  });
});

describe('Change expiry while logged out', () => {
  it('says the session may have expired, and gives focus back to the Expires choice', async () => {
    tab = await mountTab(withKey());
    await tab.click('Change expiry');
    tab.button('Save').click();
    await tab.settle();
    tab.civi.failNext({ kind: 'empty' });
    tab.crm.answerConfirm('yes');
    await tab.settle();
    expect(tab.alert()).toBe('The expiry was not changed. Your session may have expired. Reload the page.');
    expect(document.activeElement).toBe(tab.field('Expires'));
  });

  it('Save stays focusable (aria-disabled, not disabled) while it saves', async () => {
    tab = await mountTab(withKey());
    await tab.click('Change expiry');
    tab.button('Save').click();
    await tab.settle();
    tab.civi.failNext({ kind: 'hold' });
    tab.crm.answerConfirm('yes');
    await tab.settle();
    const save = tab.button('Save');
    expect(save.disabled).toBe(false);
    expect(document.activeElement).toBe(save);
  });
});

describe('an altered save', () => {
  it('shows neither the old key\'s end nor its last use', async () => {
    tab = await mountTab(withKey({ lifecycle: lifecycle({ last_used: { date: '2026-11-28 10:00:00', ip: '203.0.113.7' } }) }));
    await tab.click('Regenerate key');
    tab.civi.failNext({ kind: 'altered', storedAs: 'abcdefghijklmnopqrstuvwxyz012...' });
    tab.crm.answerConfirm('yes');
    await tab.settle();
    expect(tab.alert()).toContain('The key was not saved as sent.');
    expect(expiresLine(tab)).toBeNull();
    expect(lastUsedLine(tab)).toBe('Never used');
    expect(tab.text()).not.toContain('203.0.113.7');
  });
});

describe('the guard refusal', () => {
  it('is true of a contact without any user account', async () => {
    authx(401, 'HTTP 401 Login not permitted. Must satisfy guard (site_key, perm).');
    tab = await mountTab({ contactId: 2, hasKey: true, canView: true, keyHint: 'nkey' });
    await tab.click('Test key');
    expect(tab.alert()).toContain('the contact needs a user account with the permission “authenticate with api key”, or requests must also send the site key.');
  });
});
