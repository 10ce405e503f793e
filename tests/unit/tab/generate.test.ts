// Generate, Hide, Regenerate, Revoke: the happy paths, one request each.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mountTab, type MountedTab } from '../support/mount';

let tab: MountedTab;
afterEach(() => {
  tab?.destroy();
  vi.useRealTimers();
});

function sentKey(tab: MountedTab, write = -1): string | null {
  return tab.civi.writes.at(write)!.params.values.api_key;
}

describe('Generate key', () => {
  it('saves one new key with one Contact.update and shows it in full, once', async () => {
    tab = await mountTab({ contactId: 3, hasKey: false, canView: true });
    await tab.click('Generate key');

    expect(tab.civi.calls).toHaveLength(1);
    const [write] = tab.civi.writes;
    expect(write.entity).toBe('Contact');
    expect(write.params.where).toEqual([['id', '=', 3]]);
    expect(Object.keys(write.params.values)).toEqual(['api_key']);
    const key = sentKey(tab)!;
    expect(key).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(tab.civi.keys.get(3)).toBe(key);

    const field = tab.field('New API key');
    expect(field.value).toBe(key);
    expect(field.readOnly).toBe(true);
    expect(tab.buttons()).toEqual(['Hide key', 'Copy key', 'Test key']);
    expect(tab.status()).toContain('Copy it now and store it safely');
    expect(tab.crm.counts).toEqual([{ selector: '#tab_apikey', count: 1 }]);
    expect(document.activeElement).toBe(field);
  });

  it('for a viewer who cannot read keys: shown once, then never again', async () => {
    tab = await mountTab({ contactId: 5, hasKey: false, canView: false });
    tab.civi.loggedInContactId = 5;
    tab.civi.permissions = new Set(['edit own api keys']);
    await tab.click('Generate key');
    const key = sentKey(tab)!;
    expect(tab.field('New API key').value).toBe(key);
    expect(tab.status()).toContain('it will not be shown again');

    await tab.click('Hide key');
    expect(tab.text()).toContain('An API key is set. It cannot be displayed again.');
    expect(tab.buttons()).toEqual(['Regenerate key', 'Revoke key', 'Enter a key']);
    expect(tab.element.outerHTML).not.toContain(key);
    expect(tab.element.outerHTML).not.toContain(key.slice(-4));
    expect(document.activeElement).toBe(tab.button('Regenerate key'));
  });

  it('Hide key masks it for a viewer who may read keys, keeping its last 4 characters', async () => {
    tab = await mountTab({ hasKey: false, canView: true });
    await tab.click('Generate key');
    const key = sentKey(tab)!;
    await tab.click('Hide key');
    expect(tab.element.outerHTML).not.toContain(key);
    expect(tab.text()).toContain(`hidden, ending in ${key.slice(-4)}`);
    expect(tab.buttons()).toEqual(['Show key', 'Copy key', 'Test key', 'Regenerate key', 'Revoke key', 'Enter a key']);
    expect(document.activeElement).toBe(tab.button('Show key'));
    expect(tab.civi.calls).toHaveLength(1);
  });
});

describe('the last change', () => {
  it('follows the tab\'s own actions at once, without another request: the site\'s now, by you', async () => {
    // The browser's clock 10 s after the page's site time: SiteClock takes the offset as a whole
    // quarter hour, so "now" is 08:30:10 whatever the real time of the run.
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-12-01T08:30:10Z') });
    const siteTime = { format: '%B %E%f, %Y %l:%M %P', time_format: '%l:%M %P', locale: 'en_US', now: '2026-12-01 08:30:00' };
    tab = await mountTab({ contactId: 2, hasKey: true, canView: true, keyHint: 'nkey', siteTime, lastChange: { date: '2026-11-01 09:00:00', by: 'Sam Staffer' } });
    expect(tab.text()).toContain('Last changed November 1st, 2026 9:00 AM by Sam Staffer');
    await tab.click('Revoke key');
    tab.crm.answerConfirm('yes');
    await tab.settle();
    expect(tab.element.querySelector('.crm-apikey-last-change')?.textContent?.trim()).toMatch(/^Last changed December 1st, 2026 8:3\d AM by you$/);
    expect(tab.civi.calls).toHaveLength(1);
  });

  it('names nobody when the contact who made it has been deleted since', async () => {
    tab = await mountTab({ contactId: 2, hasKey: true, canView: true, keyHint: 'nkey', lastChange: { date: '2026-11-01 09:00:00', by: null } });
    expect(tab.text()).toContain('Last changed 2026-11-01 09:00');
    expect(tab.text()).not.toMatch(/ by |null|%2/);
  });

  it('stays as it was when the change failed', async () => {
    tab = await mountTab({ contactId: 3, hasKey: false, canView: true, lastChange: { date: '2026-11-01 09:00:00', by: 'Sam Staffer' } });
    tab.civi.failNext({ kind: 'unreachable' });
    await tab.click('Generate key');
    expect(tab.text()).toContain('Last changed 2026-11-01 09:00 by Sam Staffer');
  });
});

describe('the last change in the site format', () => {
  const siteTime = { format: '%B %E%f, %Y %l:%M %P', time_format: '%l:%M %P', locale: 'en_US', now: '2026-12-01 08:00:00' };

  it('reads the raw date the page gives as CiviCRM shows dates elsewhere on the page', async () => {
    tab = await mountTab({ hasKey: true, canView: true, keyHint: 'nkey', siteTime, lastChange: { date: '2026-12-01 07:32:07', by: 'Standalone Admin' } });
    expect(tab.text()).toContain('Last changed December 1st, 2026 7:32 AM by Standalone Admin');
    expect(tab.text()).not.toContain('2026-12-01');
  });

  it('without site time: a plain date and time to the minute', async () => {
    tab = await mountTab({ hasKey: true, canView: true, keyHint: 'nkey', lastChange: { date: '2026-12-01 07:32:07', by: null } });
    expect(tab.text()).toContain('Last changed 2026-12-01 07:32');
    expect(tab.text()).not.toContain('07:32:07');
  });
});

describe('Regenerate key', () => {
  it('asks first, naming what stops working, with Regenerate / Cancel', async () => {
    tab = await mountTab({ hasKey: true, canView: true, keyHint: 'nkey' });
    await tab.click('Regenerate key');
    expect(tab.crm.confirms).toHaveLength(1);
    const [question] = tab.crm.confirms;
    expect(question.message).toContain('stops working at once');
    expect(question.options).toEqual({ no: 'Cancel', yes: 'Regenerate' });
    expect(tab.civi.calls).toEqual([]);
    expect(tab.button('Revoke key').disabled).toBe(true);
  });

  it('Cancel sends nothing, changes nothing and gives focus back', async () => {
    tab = await mountTab({ hasKey: true, canView: true, keyHint: 'nkey' });
    const before = tab.text();
    await tab.click('Regenerate key');
    tab.crm.answerConfirm('no');
    await tab.settle();
    expect(tab.civi.calls).toEqual([]);
    expect(tab.text()).toBe(before);
    expect(tab.button('Regenerate key').disabled).toBe(false);
    expect(document.activeElement).toBe(tab.button('Regenerate key'));
  });

  it('closing the dialog (Escape) counts as Cancel', async () => {
    tab = await mountTab({ hasKey: true, canView: true, keyHint: 'nkey' });
    await tab.click('Regenerate key');
    tab.crm.answerConfirm('close');
    await tab.settle();
    expect(tab.civi.calls).toEqual([]);
    expect(tab.button('Regenerate key').disabled).toBe(false);
  });

  it('Regenerate sends one update with a new key and shows it', async () => {
    tab = await mountTab({ contactId: 2, hasKey: true, canView: true, keyHint: 'nkey' });
    const old = tab.civi.keys.get(2);
    await tab.click('Regenerate key');
    tab.crm.answerConfirm('yes');
    await tab.settle();
    expect(tab.civi.writes).toHaveLength(1);
    const key = sentKey(tab)!;
    expect(key).not.toBe(old);
    expect(tab.field('New API key').value).toBe(key);
    expect(tab.civi.keys.get(2)).toBe(key);
  });
});

describe('Revoke key', () => {
  it('asks with Revoke / Cancel, then clears the key with api_key null', async () => {
    tab = await mountTab({ contactId: 2, hasKey: true, canView: true, keyHint: 'nkey' });
    await tab.click('Revoke key');
    expect(tab.crm.confirms[0].options).toEqual({ no: 'Cancel', yes: 'Revoke' });
    expect(tab.crm.confirms[0].message).toContain('stops working at once');
    tab.crm.answerConfirm('yes');
    await tab.settle();
    expect(tab.civi.writes).toHaveLength(1);
    expect(tab.civi.writes[0].params).toEqual({ where: [['id', '=', 2]], values: { api_key: null } });
    expect(tab.text()).toContain('This contact has no API key.');
    expect(tab.status()).toContain('Key revoked');
    expect(tab.buttons()).toEqual(['Generate key', 'Enter a key']);
    expect(tab.crm.counts).toEqual([{ selector: '#tab_apikey', count: 0 }]);
    expect(document.activeElement).toBe(tab.button('Generate key'));
  });
});

describe('while saving', () => {
  it('disables every button, says it is busy, and ignores more clicks', async () => {
    tab = await mountTab({ hasKey: false, canView: true });
    tab.civi.failNext({ kind: 'hold' });
    await tab.click('Generate key');
    expect(tab.status()).toContain('Saving…');
    for (const name of tab.buttons()) expect(tab.button(name).disabled).toBe(true);

    // A disabled button ignores clicks; call the handler too, as a second click racing the digest would.
    tab.button('Generate key').click();
    tab.button('Generate key').click();
    (angular.element(tab.element).controller('crmApiKeyTab') as { generate(): void }).generate();
    await tab.settle();
    expect(tab.civi.writes).toHaveLength(1);

    // Past 10 s the busy text admits the wait; the buttons stay disabled and nothing is resent.
    await tab.advance(9_000);
    expect(tab.status()).toBe('Saving…');
    await tab.advance(1_000);
    expect(tab.status()).toContain('Still waiting for the server');
    expect(tab.button('Generate key').disabled).toBe(true);
    expect(tab.civi.writes).toHaveLength(1);

    tab.civi.release();
    await tab.settle();
    expect(tab.civi.writes).toHaveLength(1);
    expect(tab.field('New API key').value).toBe(sentKey(tab));
  });
});
