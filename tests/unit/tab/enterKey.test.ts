// Enter a key: for migrating an integration that already has one. Checked before anything is sent.
import 'angular';
import { afterEach, describe, expect, it } from 'vitest';
import { CiviDouble } from '../support/civiDouble';
import { mountTab, type MountedTab } from '../support/mount';

let tab: MountedTab;
afterEach(() => tab?.destroy());

const GOOD = 'Legacy-key_0123456789abcdef';

async function openField(bindings: Parameters<typeof mountTab>[0], civi?: CiviDouble): Promise<MountedTab> {
  const mounted = await mountTab(bindings, civi);
  await mounted.click('Enter a key');
  return mounted;
}

describe('Enter a key', () => {
  it('opens a field labelled "API key", focused, with Save key', async () => {
    tab = await openField({ hasKey: false, canView: true });
    const field = tab.field('API key');
    expect(document.activeElement).toBe(field);
    expect(field.getAttribute('autocomplete')).toBe('off');
    expect(tab.buttons()).toContain('Save key');
    expect(tab.buttons()).not.toContain('Enter a key');
  });

  it('a key refused in its own field leaves a Tab pressed at once where it went', async () => {
    tab = await openField({ hasKey: false, canView: true });
    await tab.type('short-key');
    const field = tab.field('API key');
    expect(document.activeElement).toBe(field);
    // Enter in the field, then Tab before AngularJS's deferred tasks run (a fast typist, a busy machine).
    angular.element(tab.element).controller('crmApiKeyTab').saveTypedKey();
    const save = tab.button('Save key');
    save.focus();
    await tab.advance(0);
    expect(document.activeElement).toBe(save);
  });

  it.each([
    ['', 'Enter a key first.'],
    ['short-key', 'Too short'],
    ['A'.repeat(33), 'Too long'],
    [` ${GOOD}`, 'Remove the spaces'],
    [`${GOOD} `, 'Remove the spaces'],
    ['abcdefghijklmnop.qrs', 'Use only A-Z a-z 0-9'],
    ['abcdéfghijklmnopqrs', 'Use only A-Z a-z 0-9'],
  ])('refuses %j next to the field and sends nothing', async (value, message) => {
    tab = await openField({ hasKey: false, canView: true });
    await tab.type(value);
    await tab.submit();
    const error = tab.element.querySelector('.crm-apikey-typed-error')!;
    expect(error.textContent).toContain(message);
    expect(tab.field('API key').getAttribute('aria-invalid')).toBe('true');
    expect(tab.field('API key').getAttribute('aria-describedby')).toContain(error.id);
    expect(tab.civi.calls).toEqual([]);
    expect(tab.field('API key').value).toBe(value);
  });

  it('checks that no other contact uses it, then saves exactly what was typed', async () => {
    tab = await openField({ contactId: 3, hasKey: false, canView: true });
    await tab.type(GOOD);
    await tab.submit();
    expect(tab.civi.calls.map((call) => call.action)).toEqual(['get', 'update']);
    expect(tab.civi.calls[0].params.where).toEqual([['api_key', '=', GOOD], ['id', '!=', 3], ['is_deleted', 'IN', [false, true]]]);
    expect(tab.civi.writes[0].params.values).toEqual({ api_key: GOOD });
    expect(tab.field('New API key').value).toBe(GOOD);
    expect(tab.crm.counts).toEqual([{ selector: '#tab_apikey', count: 1 }]);
  });

  it('refuses a key another contact already uses, saying only "already in use"', async () => {
    tab = await openField({ contactId: 3, hasKey: false, canView: true });
    await tab.type('adminkeyadminkeyadminkeyadminkey');
    await tab.submit();
    expect(tab.element.querySelector('.crm-apikey-typed-error')!.textContent).toContain('already in use');
    expect(tab.text()).not.toMatch(/Admin|contact 2/);
    expect(tab.civi.writes).toEqual([]);
  });

  it('refuses a key held by a contact in the trash (that key still logs in)', async () => {
    const civi = new CiviDouble();
    civi.keys.set(9, GOOD);
    civi.trashed.add(9);
    tab = await openField({ contactId: 3, hasKey: false, canView: true }, civi);
    await tab.type(GOOD);
    await tab.submit();
    expect(tab.element.querySelector('.crm-apikey-typed-error')!.textContent).toContain('already in use');
    expect(tab.civi.writes).toEqual([]);
  });

  it('skips the lookup for a viewer who cannot read keys (CiviCRM would ignore it)', async () => {
    tab = await openField({ contactId: 5, hasKey: false, canView: false });
    tab.civi.permissions = new Set(['edit own api keys']);
    tab.civi.loggedInContactId = 5;
    await tab.type(GOOD);
    await tab.submit();
    expect(tab.civi.calls.map((call) => call.action)).toEqual(['update']);
  });

  it('asks before replacing an existing key ("Replace"), and Cancel keeps it', async () => {
    tab = await openField({ contactId: 2, hasKey: true, canView: true, keyHint: 'nkey' });
    await tab.type(GOOD);
    await tab.submit();
    expect(tab.crm.confirms[0].options).toEqual({ no: 'Cancel', yes: 'Replace' });
    expect(tab.crm.confirms[0].message).toContain('stops working at once');
    tab.crm.answerConfirm('no');
    await tab.settle();
    expect(tab.civi.writes).toEqual([]);
    expect(tab.field('API key').value).toBe(GOOD);

    await tab.submit();
    tab.crm.answerConfirm('yes');
    await tab.settle();
    expect(tab.civi.writes).toHaveLength(1);
    expect(tab.field('New API key').value).toBe(GOOD);
  });

  it('keeps the typed value and the old key when the save fails', async () => {
    tab = await openField({ contactId: 2, hasKey: true, canView: true, keyHint: 'nkey' });
    await tab.type(GOOD);
    tab.civi.failNext({ kind: 'unreachable', action: 'update' });
    await tab.submit();
    tab.crm.answerConfirm('yes');
    await tab.settle();
    expect(tab.civi.writes).toHaveLength(1);
    expect(tab.alert()).toContain('The key was not changed.');
    expect(tab.alert()).toContain('No answer from the server');
    expect(tab.field('API key').value).toBe(GOOD);
    expect(tab.text()).toContain('hidden, ending in nkey');
    expect(tab.civi.keys.get(2)).toBe('adminkeyadminkeyadminkeyadminkey');
  });

  it('says so when the uniqueness check itself fails, and sends no write', async () => {
    tab = await openField({ contactId: 3, hasKey: false, canView: true });
    await tab.type(GOOD);
    tab.civi.failNext({ kind: 'unreachable' });
    await tab.submit();
    expect(tab.alert()).toContain('No answer from the server');
    expect(tab.civi.writes).toEqual([]);
    expect(tab.field('API key').value).toBe(GOOD);
  });

  it('Cancel closes the field and gives focus back to Enter a key', async () => {
    tab = await openField({ hasKey: false, canView: true });
    await tab.type(GOOD);
    await tab.click('Cancel');
    expect(tab.element.querySelector('form')).toBeNull();
    expect(document.activeElement).toBe(tab.button('Enter a key'));
  });
});
