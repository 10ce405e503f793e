// The full key leaves memory once it leaves the screen; a key changed elsewhere brings none of the
// old key's lines; focus goes to controls that are there; the Expires choice waits while busy.
import 'angular';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { lifecycle, withKey } from '../support/lifecycleFixtures';
import { mountTab, type MountedTab } from '../support/mount';

let tab: MountedTab;
const KEY = 'adminkeyadminkeyadminkeyadminkey';

afterEach(() => {
  tab?.destroy();
  vi.unstubAllGlobals();
});


/** The tab's controller (AngularJS keeps it on the element). */
const controller = (mounted: MountedTab): any => angular.element(mounted.element).controller('crmApiKeyTab');

/** Everything the controller holds, but its injected services and scope (which hold no key). */
function controllerState(ctrl: any): string {
  return JSON.stringify(ctrl, (name, value) => (name.startsWith('$') || name === 'keys' || name === 'confirm' ? undefined : value));
}

const statusRegion = (mounted: MountedTab) => mounted.element.querySelector('.crm-apikey-status[role="status"]');

describe('the full key leaves memory once it leaves the screen', () => {
  it('after Show key then Hide key, the controller holds no full key', async () => {
    tab = await mountTab(withKey());
    await tab.click('Show key');
    expect(controllerState(controller(tab))).toContain(KEY);
    await tab.click('Hide key');
    expect(controllerState(controller(tab))).not.toContain(KEY);
  });

  it('after Copy key and Test key on a masked key, the controller holds no full key', async () => {
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText: () => Promise.resolve() } });
    vi.stubGlobal('fetch', vi.fn(() => Promise.resolve(new Response('HTTP 401 Invalid credential', { status: 401 }))));
    tab = await mountTab(withKey());
    await tab.click('Copy key');
    expect(tab.status()).toBe('Key copied.');
    expect(controllerState(controller(tab))).not.toContain(KEY);
    await tab.click('Test key');
    expect(tab.civi.calls).toHaveLength(2);
    expect(controllerState(controller(tab))).not.toContain(KEY);
  });

  it('once the tab is destroyed, not even a key that was on screen stays', async () => {
    tab = await mountTab({ contactId: 3, hasKey: false, canView: true });
    await tab.click('Generate key');
    const key = tab.civi.writes[0].params.values.api_key as string;
    const ctrl = controller(tab);
    expect(controllerState(ctrl)).toContain(key);
    tab.destroy();
    expect(controllerState(ctrl)).not.toContain(key);
  });

  it('a change elsewhere is still noticed after Hide key, by the last 4 characters', async () => {
    tab = await mountTab(withKey());
    await tab.click('Show key');
    await tab.click('Hide key');
    tab.civi.keys.set(2, 'otherkeyotherkeyotherkeyother9Zq');
    await tab.click('Show key');
    expect(tab.status()).toBe('The key was changed elsewhere. This is the current one.');
  });
});

describe('a key changed elsewhere', () => {
  it('shows neither the old key\'s end nor its last use', async () => {
    tab = await mountTab(withKey({ keyHint: 'Ab3x', lifecycle: lifecycle({ last_used: { date: '2026-11-28 10:00:00', ip: '203.0.113.7' } }) }));
    expect(tab.text()).toContain('Expires December 31st, 2026');
    expect(tab.text()).toContain('203.0.113.7');
    await tab.click('Show key');
    expect(tab.status()).toBe('The key was changed elsewhere. This is the current one.');
    expect(tab.element.querySelector('.crm-apikey-expires')).toBeNull();
    expect(tab.element.querySelector('.crm-apikey-last-used')?.textContent?.trim()).toBe('Never used');
    expect(tab.text()).not.toContain('December 31st');
    expect(tab.text()).not.toContain('203.0.113.7');
  });
});

describe('focus goes to a control that is there', () => {
  it('a read-only viewer whose key was removed elsewhere: the notice, not the absent Generate key', async () => {
    tab = await mountTab(withKey({ canEdit: false }));
    tab.civi.keys.set(2, null);
    await tab.click('Show key');
    expect(tab.status()).toBe('The key was removed elsewhere.');
    expect(tab.buttons()).not.toContain('Generate key');
    expect(document.activeElement).toBe(statusRegion(tab));
  });

  it('Hide key for a viewer who can neither read nor change the key: the status region, not the absent Regenerate key', async () => {
    tab = await mountTab({ contactId: 5, hasKey: true, canView: false, canEdit: false });
    // No action of this viewer puts a key on screen; the state is set as a save would leave it.
    const ctrl = controller(tab);
    angular.element(tab.element).scope().$apply(() => {
      ctrl.shownKey = 'selfkeyselfkeyselfkeyselfkey1234';
    });
    await tab.click('Hide key');
    expect(tab.buttons()).not.toContain('Regenerate key');
    expect(document.activeElement).toBe(statusRegion(tab));
  });

  it('a viewer who may change the key still goes to Generate key after a removal elsewhere', async () => {
    tab = await mountTab(withKey());
    tab.civi.keys.set(2, null);
    await tab.click('Copy key');
    expect(document.activeElement).toBe(tab.button('Generate key'));
  });
});

describe('the Expires choice while the tab is busy', () => {
  const expires = (mounted: MountedTab) => mounted.field('Expires') as unknown as HTMLSelectElement;

  it('is disabled while Regenerate key asks and saves, and usable again after', async () => {
    tab = await mountTab(withKey());
    expect(expires(tab).disabled).toBe(false);
    await tab.click('Regenerate key');
    expect(expires(tab).disabled).toBe(true);
    tab.civi.failNext({ kind: 'hold' });
    tab.crm.answerConfirm('yes');
    await tab.settle();
    expect(expires(tab).disabled).toBe(true);
    tab.civi.release();
    await tab.settle();
    await tab.click('Hide key');
    expect(expires(tab).disabled).toBe(false);
  });

  it('Change expiry: the choice and its date field are disabled while saving', async () => {
    tab = await mountTab(withKey());
    await tab.click('Change expiry');
    const select = expires(tab);
    select.value = [...select.options].find((option) => option.textContent === 'On a date…')!.value;
    select.dispatchEvent(new Event('change', { bubbles: true }));
    await tab.settle();
    tab.button('Save').click();
    await tab.settle();
    tab.civi.failNext({ kind: 'hold' });
    tab.crm.answerConfirm('yes');
    await tab.settle();
    expect(expires(tab).disabled).toBe(true);
    expect(tab.field('Expiry date').disabled).toBe(true);
    tab.civi.release();
    await tab.settle();
  });
});
