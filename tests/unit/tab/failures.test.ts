// A failed change never shows an unsaved key and never loses the old one: the state before the
// action comes back, with a message a non-programmer understands, and the same buttons retry.
import { afterEach, describe, expect, it } from 'vitest';
import { CONTACT_MISSING_500, GENERIC_403, GENERIC_500, type Fault } from '../support/civiDouble';
import { mountTab, type MountedTab } from '../support/mount';

let tab: MountedTab;
afterEach(() => tab?.destroy());

const faults: Array<[string, Fault, RegExp]> = [
  ['a network failure (rejected with undefined)', { kind: 'unreachable' }, /No answer from the server/],
  ['a 403 with the generic body', { kind: 'status', body: GENERIC_403 }, /do not have permission/],
  ['a 500 with the generic body', { kind: 'status', body: GENERIC_500 }, /The server failed/],
  ['the contact deleted meanwhile', { kind: 'status', body: CONTACT_MISSING_500 }, /no longer exists/],
  ['an empty answer (logged out)', { kind: 'empty' }, /session may have expired/],
];

describe.each(faults)('after %s', (_name, fault, explanation) => {
  it('Generate key: still no key, nothing unsaved on screen, and Generate key retries', async () => {
    tab = await mountTab({ contactId: 3, hasKey: false, canView: true });
    tab.civi.failNext(fault);
    await tab.click('Generate key');
    const unsaved = tab.civi.writes[0].params.values.api_key;

    expect(tab.alert()).toContain('The key was not changed.');
    expect(tab.alert()).toMatch(explanation);
    expect(tab.element.querySelector('.crm-apikey-failure')!.getAttribute('role')).toBe('alert');
    expect(tab.text()).toContain('This contact has no API key.');
    expect(tab.element.outerHTML).not.toContain(unsaved);
    expect(tab.crm.counts).toEqual([]);
    expect(tab.buttons()).toEqual(['Generate key', 'Enter a key']);
    expect(document.activeElement).toBe(tab.button('Generate key'));

    await tab.click('Generate key');
    expect(tab.civi.writes).toHaveLength(2);
    expect(tab.alert()).toBe('');
    expect(tab.field('New API key').value).toBe(tab.civi.writes[1].params.values.api_key);
  });

  it('Regenerate key: the old key stays, masked as before', async () => {
    tab = await mountTab({ contactId: 2, hasKey: true, canView: true, keyHint: 'nkey' });
    const before = tab.element.querySelector('.crm-apikey-masked')!.textContent;
    await tab.click('Regenerate key');
    tab.civi.failNext(fault);
    tab.crm.answerConfirm('yes');
    await tab.settle();
    expect(tab.alert()).toMatch(explanation);
    expect(tab.element.querySelector('.crm-apikey-masked')!.textContent).toBe(before);
    expect(tab.element.outerHTML).not.toContain(tab.civi.writes[0].params.values.api_key);
    expect(tab.buttons()).toEqual(['Show key', 'Copy key', 'Test key', 'Regenerate key', 'Revoke key', 'Enter a key']);
    expect(document.activeElement).toBe(tab.button('Regenerate key'));
  });

  it('Revoke key: the key is still there', async () => {
    tab = await mountTab({ contactId: 2, hasKey: true, canView: false });
    await tab.click('Revoke key');
    tab.civi.failNext(fault);
    tab.crm.answerConfirm('yes');
    await tab.settle();
    expect(tab.alert()).toMatch(explanation);
    expect(tab.text()).toContain('An API key is set. It cannot be displayed again.');
    expect(tab.crm.counts).toEqual([]);
  });
});

// CiviCRM truncates silently (wire 07): the save "succeeds" with another value. The tab must
// neither show the unsaved key as saved, nor pretend the old key still works.
describe('an echo that differs from what was sent', () => {
  const altered: Fault = { kind: 'altered', storedAs: 'abcdefghijklmnopqrstuvwxyz012...' };

  it('Regenerate key: says the key was not saved as sent, and masks what the server holds now', async () => {
    tab = await mountTab({ contactId: 2, hasKey: true, canView: true, keyHint: 'nkey' });
    await tab.click('Regenerate key');
    tab.civi.failNext(altered);
    tab.crm.answerConfirm('yes');
    await tab.settle();
    const sent = tab.civi.writes[0].params.values.api_key;
    expect(tab.alert()).toContain('The key was not saved as sent.');
    expect(tab.alert()).toContain('the old key no longer works');
    expect(tab.text()).toContain('hidden, ending in 2...');
    expect(tab.text()).not.toContain('hidden, ending in nkey');
    expect(tab.element.outerHTML).not.toContain(sent);
    expect(tab.buttons()).toEqual(['Show key', 'Copy key', 'Test key', 'Regenerate key', 'Revoke key', 'Enter a key']);
    expect(document.activeElement).toBe(tab.button('Regenerate key'));

    // The same button tries again, and this time the key is saved as sent.
    await tab.click('Regenerate key');
    tab.crm.answerConfirm('yes');
    await tab.settle();
    expect(tab.field('New API key').value).toBe(tab.civi.writes[1].params.values.api_key);
  });

  it('Generate key: the contact now has a key, though not the one generated', async () => {
    tab = await mountTab({ contactId: 3, hasKey: false, canView: false });
    tab.civi.failNext(altered);
    await tab.click('Generate key');
    expect(tab.alert()).toContain('The key was not saved as sent.');
    expect(tab.text()).toContain('An API key is set. It cannot be displayed again.');
    expect(tab.crm.counts).toEqual([{ selector: '#tab_apikey', count: 1 }]);
    expect(tab.element.outerHTML).not.toContain(tab.civi.writes[0].params.values.api_key);
  });
});

describe('a failed Show key', () => {
  it('says the key could not be loaded and keeps it masked', async () => {
    tab = await mountTab({ contactId: 2, hasKey: true, canView: true, keyHint: 'nkey' });
    tab.civi.failNext({ kind: 'unreachable' });
    await tab.click('Show key');
    expect(tab.alert()).toContain('The key could not be loaded.');
    expect(tab.element.querySelector('input')).toBeNull();
    expect(document.activeElement).toBe(tab.button('Show key'));
    await tab.click('Show key');
    expect(tab.field('Current API key').value).toBe(tab.civi.keys.get(2));
  });

  it('a record without api_key means the viewer may not read keys', async () => {
    tab = await mountTab({ contactId: 2, hasKey: true, canView: true, keyHint: 'nkey' });
    tab.civi.permissions = new Set(['edit own api keys']);
    await tab.click('Show key');
    expect(tab.alert()).toContain('do not have permission');
  });
});

describe('a real 403 from CiviCRM', () => {
  it('a viewer without permission on another contact is refused and told why', async () => {
    tab = await mountTab({ contactId: 3, hasKey: false, canView: false });
    tab.civi.permissions = new Set(['edit own api keys']);
    tab.civi.loggedInContactId = 5;
    await tab.click('Generate key');
    expect(tab.alert()).toMatch(/do not have permission/);
    expect(tab.civi.keys.get(3)).toBeNull();
  });
});
