// Last used and expiry on the tab (issues 12, 13): what comes with the page, the Expires choice
// of a new key, Change expiry, and Test key on an expired key.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { GENERIC_403, GENERIC_500 } from '../support/civiDouble';
import { mountTab, type MountedTab, type TabBindings } from '../support/mount';

let tab: MountedTab;
afterEach(() => {
  tab?.destroy();
  vi.unstubAllGlobals();
});

// CiviCRM's default formats; the double's siteNow says the same now.
const siteTime = { format: '%B %E%f, %Y %l:%M %P', time_format: '%l:%M %P', locale: 'en_US', now: '2026-12-01 08:30:00' };
const policy = { default_days: 90, max_days: 365, notice_days: 7 };
const lifecycle = (over: Record<string, unknown> = {}) => ({
  last_used: { date: '2026-11-28 10:00:00', ip: '203.0.113.7' },
  usage_since: null,
  expires: '2026-12-13 08:30:00',
  policy,
  ...over,
});
const withKey = (over: Partial<TabBindings> = {}): TabBindings => ({ contactId: 2, hasKey: true, canView: true, keyHint: 'nkey', siteTime, lifecycle: lifecycle(), ...over });
const noKey = (over: Partial<TabBindings> = {}): TabBindings => ({ contactId: 3, hasKey: false, canView: true, siteTime, lifecycle: lifecycle({ last_used: null, expires: null }), ...over });

function select(tab: MountedTab): HTMLSelectElement {
  return tab.field('Expires') as unknown as HTMLSelectElement;
}
const optionLabels = (tab: MountedTab) => [...select(tab).options].map((option) => option.textContent!.trim());
const chosen = (tab: MountedTab) => select(tab).selectedOptions[0]?.textContent!.trim();

async function choose(tab: MountedTab, label: string): Promise<void> {
  const field = select(tab);
  const option = [...field.options].find((candidate) => candidate.textContent!.trim() === label);
  if (!option) throw new Error(`no option "${label}": ${optionLabels(tab).join(', ')}`);
  field.value = option.value;
  field.dispatchEvent(new Event('change', { bubbles: true }));
  await tab.settle();
}

async function pickDate(tab: MountedTab, day: string): Promise<void> {
  const field = tab.field('Expiry date');
  field.value = day;
  field.dispatchEvent(new Event('input', { bubbles: true }));
  await tab.settle();
}

const calls = (tab: MountedTab) => tab.civi.calls.map((call) => `${call.entity}.${call.action}`);
const fieldError = (tab: MountedTab) => tab.element.querySelector('.crm-apikey-expiry-error')?.textContent?.trim();

describe('what the page says about use and expiry (no request on opening)', () => {
  it('last use with its address, and the end with how far it is', async () => {
    tab = await mountTab(withKey());
    expect(tab.text()).toContain('Last used 3 days ago (November 28th, 2026 10:00 AM) from 203.0.113.7');
    expect(tab.text()).toContain('Expires December 13th, 2026 8:30 AM (in 12 days)');
    expect(tab.civi.calls).toEqual([]);
  });

  it('no address for viewers who may not read keys; "Never used"; "No use recorded since"', async () => {
    tab = await mountTab(withKey({ canView: false, keyHint: null, lifecycle: lifecycle({ last_used: { date: '2026-11-30 09:00:00', ip: null } }) }));
    expect(tab.text()).toContain('Last used yesterday (November 30th, 2026 9:00 AM)');
    expect(tab.text()).not.toContain(' from ');
    tab.destroy();
    tab = await mountTab(withKey({ lifecycle: lifecycle({ last_used: null }) }));
    expect(tab.text()).toContain('Never used');
    tab.destroy();
    tab = await mountTab(withKey({ lifecycle: lifecycle({ last_used: null, usage_since: '2026-11-15 12:00:00' }) }));
    expect(tab.text()).toContain('No use recorded since November 15th, 2026');
  });

  it('"Expires today", and an expired key marked "Expired <date>"', async () => {
    tab = await mountTab(withKey({ lifecycle: lifecycle({ expires: '2026-12-01 23:59:59' }) }));
    expect(tab.text()).toContain('Expires today');
    tab.destroy();
    tab = await mountTab(withKey({ lifecycle: lifecycle({ expires: '2026-11-30 23:59:59' }) }));
    const line = tab.element.querySelector('.crm-apikey-expires')!;
    expect(line.textContent!.trim()).toBe('Expired November 30th, 2026 11:59 PM');
    expect(line.classList.contains('crm-error')).toBe(true);
  });

  it('without the lifecycle binding: no Expires choice, no Change expiry, nothing said of use', async () => {
    tab = await mountTab({ contactId: 2, hasKey: true, canView: true, keyHint: 'nkey', siteTime });
    expect(tab.element.querySelector('select')).toBeNull();
    expect(tab.buttons()).toEqual(['Show key', 'Copy key', 'Test key', 'Regenerate key', 'Revoke key', 'Enter a key']);
    expect(tab.text()).not.toMatch(/Last used|Never used|Expire/);
  });

  it('a viewer who may not change the key gets neither the choice nor Change expiry', async () => {
    tab = await mountTab(withKey({ canEdit: false }));
    expect(tab.element.querySelector('select')).toBeNull();
    expect(tab.buttons()).toEqual(['Show key', 'Copy key', 'Test key']);
    expect(tab.text()).toContain('Expires December 13th, 2026');
  });
});

describe('Expires, beside Generate key', () => {
  it('offers what the site allows, preselected from its default lifetime', async () => {
    tab = await mountTab(noKey());
    expect(optionLabels(tab)).toEqual(['30 days', '90 days', '1 year', 'On a date…']);
    expect(chosen(tab)).toBe('90 days');
    tab.destroy();
    tab = await mountTab(noKey({ lifecycle: lifecycle({ policy: { default_days: null, max_days: null, notice_days: 7 } }) }));
    expect(optionLabels(tab)).toEqual(['Never', '30 days', '90 days', '1 year', 'On a date…']);
    expect(chosen(tab)).toBe('Never');
  });

  it('a default of another number of days: "On a date…" with today + N, bounded by today and the maximum', async () => {
    tab = await mountTab(noKey({ lifecycle: lifecycle({ policy: { default_days: 14, max_days: 60, notice_days: 7 } }) }));
    expect(chosen(tab)).toBe('On a date…');
    const date = tab.field('Expiry date');
    expect(date.value).toBe('2026-12-15');
    expect([date.min, date.max]).toEqual(['2026-12-01', '2027-01-30']);
  });

  it('one Contact.update, then one setExpiry, and the new key shows its end and "Never used"', async () => {
    tab = await mountTab(noKey());
    await tab.click('Generate key');
    expect(calls(tab)).toEqual(['Contact.update', 'ApiKeyRecord.setExpiry']);
    expect(tab.civi.calls[1].params).toEqual({ contactId: 3, expiresIn: 90 });
    expect(tab.text()).toContain('Expires March 1st, 2027 8:30 AM (in 90 days)');
    expect(tab.text()).toContain('Never used');
    expect(tab.field('New API key').value).toBe(tab.civi.keys.get(3));
    expect(tab.alert()).toBe('');
  });

  it('"Never": the Contact.update alone (the server starts a new key without an end)', async () => {
    tab = await mountTab(noKey({ lifecycle: lifecycle({ expires: null, last_used: null, policy: { default_days: 30, max_days: null, notice_days: 7 } }) }));
    await choose(tab, 'Never');
    await tab.click('Generate key');
    expect(calls(tab)).toEqual(['Contact.update']);
    expect(tab.text()).toContain('Does not expire');
  });

  it('a date sends that day', async () => {
    tab = await mountTab(noKey());
    await choose(tab, 'On a date…');
    await pickDate(tab, '2027-01-15');
    await tab.click('Generate key');
    expect(tab.civi.calls[1].params).toEqual({ contactId: 3, expiresOn: '2027-01-15' });
    expect(tab.text()).toContain('Expires January 15th, 2027 11:59 PM (in 45 days)');
  });

  it.each([
    ['2026-11-30', 'This date has passed.'],
    ['2027-12-02', 'This site allows keys for 365 days at most: choose December 1st, 2027 or earlier.'],
  ])('a date of %s is refused next to the field, and nothing is sent', async (day, message) => {
    tab = await mountTab(noKey());
    await choose(tab, 'On a date…');
    await pickDate(tab, day);
    await tab.click('Generate key');
    expect(tab.civi.calls).toEqual([]);
    expect(fieldError(tab)).toBe(message);
    expect(tab.field('Expiry date').getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(tab.field('Expiry date'));
    expect(tab.text()).toContain('This contact has no API key.');
  });

  it('no date at all is refused too', async () => {
    tab = await mountTab(noKey());
    await choose(tab, 'On a date…');
    await tab.click('Generate key');
    expect(tab.civi.calls).toEqual([]);
    expect(fieldError(tab)).toBe('Choose a date, or another option.');
  });
});

describe('Expires with Regenerate key and Save key', () => {
  it('Regenerate: a refused date asks nothing and sends nothing', async () => {
    tab = await mountTab(withKey());
    await choose(tab, 'On a date…');
    await pickDate(tab, '2026-11-01');
    await tab.click('Regenerate key');
    expect(tab.crm.confirms).toEqual([]);
    expect(tab.civi.calls).toEqual([]);
    expect(fieldError(tab)).toBe('This date has passed.');
  });

  it('Regenerate, confirmed: one Contact.update and one setExpiry with the choice', async () => {
    tab = await mountTab(withKey());
    await choose(tab, '30 days');
    await tab.click('Regenerate key');
    tab.crm.answerConfirm('yes');
    await tab.settle();
    expect(calls(tab)).toEqual(['Contact.update', 'ApiKeyRecord.setExpiry']);
    expect(tab.civi.calls[1].params).toEqual({ contactId: 2, expiresIn: 30 });
    expect(tab.text()).toContain('Expires December 31st, 2026 8:30 AM (in 30 days)');
    expect(tab.text()).toContain('Never used');
  });

  it('Enter a key: the choice sits beside Save key; the key check, the update, then setExpiry', async () => {
    tab = await mountTab(noKey());
    await tab.click('Enter a key');
    expect(tab.element.querySelector('form.crm-apikey-enter select')).not.toBeNull();
    await tab.type('TypedKey-0123456789_abcdef');
    await choose(tab, '1 year');
    await tab.submit();
    expect(calls(tab)).toEqual(['Contact.get', 'Contact.update', 'ApiKeyRecord.setExpiry']);
    expect(tab.civi.calls[2].params).toEqual({ contactId: 3, expiresIn: 365 });
  });

  it('Enter a key with a refused date: not even the key check is sent', async () => {
    tab = await mountTab(noKey());
    await tab.click('Enter a key');
    await tab.type('TypedKey-0123456789_abcdef');
    await choose(tab, 'On a date…');
    await pickDate(tab, '2030-01-01');
    await tab.submit();
    expect(tab.civi.calls).toEqual([]);
    expect(fieldError(tab)).toContain('365 days at most');
  });

  it('Revoke sends no setExpiry', async () => {
    tab = await mountTab(withKey());
    await tab.click('Revoke key');
    tab.crm.answerConfirm('yes');
    await tab.settle();
    expect(calls(tab)).toEqual(['Contact.update']);
    expect(tab.element.querySelector('.crm-apikey-last-used, .crm-apikey-expires')).toBeNull();
    expect(tab.buttons()).not.toContain('Change expiry');
  });
});

describe('setExpiry failing after the key was saved', () => {
  it('keeps the new key on screen, says its expiry was not set and what it is now, and offers Change expiry', async () => {
    tab = await mountTab(noKey());
    tab.civi.failNext({ kind: 'status', body: GENERIC_500, action: 'setExpiry' });
    await tab.click('Generate key');
    expect(calls(tab)).toEqual(['Contact.update', 'ApiKeyRecord.setExpiry']);
    expect(tab.field('New API key').value).toBe(tab.civi.keys.get(3));
    expect(tab.status()).toContain('New key saved.');
    expect(tab.alert()).toContain('The key was saved, but its expiry was not set.');
    expect(tab.alert()).toContain('It expires on December 1st, 2027, the longest this site allows. Use Change expiry to try again.');
    expect(tab.crm.counts).toEqual([{ selector: '#tab_apikey', count: 1 }]);
    expect(tab.buttons()).toContain('Change expiry');
  });

  it('without a maximum: it says the key does not expire', async () => {
    tab = await mountTab(noKey({ lifecycle: lifecycle({ policy: { default_days: 30, max_days: null, notice_days: 7 } }) }));
    tab.civi.failNext({ kind: 'unreachable', action: 'setExpiry' });
    await tab.click('Generate key');
    expect(tab.alert()).toContain('It does not expire. Use Change expiry to try again.');
    expect(tab.alert()).toContain('No answer from the server');
    expect(tab.text()).toContain('Does not expire');
  });
});

describe('Change expiry', () => {
  async function openChange(bindings = withKey()): Promise<void> {
    tab = await mountTab(bindings);
    await tab.click('Change expiry');
  }

  it('opens the choice at the present end, with Never when the site has no maximum', async () => {
    await openChange(withKey({ lifecycle: lifecycle({ policy: { default_days: 90, max_days: null, notice_days: 7 } }) }));
    expect(optionLabels(tab)).toEqual(['Never', '30 days', '90 days', '1 year', 'On a date…']);
    expect(chosen(tab)).toBe('On a date…');
    expect(tab.field('Expiry date').value).toBe('2026-12-13');
    expect(tab.buttons()).toContain('Save');
    expect(document.activeElement).toBe(select(tab));
    expect(tab.civi.calls).toEqual([]);
  });

  it('asks first, saying what changes, then sends one setExpiry and shows the new end', async () => {
    await openChange();
    await choose(tab, '30 days');
    await tab.click('Save');
    expect(tab.civi.calls).toEqual([]);
    const [question] = tab.crm.confirms;
    expect(question.title).toBe('Change expiry?');
    expect(question.message).toBe('The key will expire on December 31st, 2026.');
    expect(question.options).toEqual({ no: 'Cancel', yes: 'Change expiry' });
    tab.crm.answerConfirm('yes');
    await tab.settle();
    expect(calls(tab)).toEqual(['ApiKeyRecord.setExpiry']);
    expect(tab.civi.calls[0].params).toEqual({ contactId: 2, expiresIn: 30 });
    expect(tab.text()).toContain('Expires December 31st, 2026 8:30 AM (in 30 days)');
    expect(tab.status()).toBe('Expiry changed.');
    expect(tab.element.querySelector('select')).not.toBeNull(); // the Regenerate-side choice is back
    expect(document.activeElement).toBe(tab.button('Change expiry'));
  });

  it('removing the end: "The key will no longer expire." and setExpiry without a date', async () => {
    await openChange(withKey({ lifecycle: lifecycle({ policy: { default_days: 90, max_days: null, notice_days: 7 } }) }));
    await choose(tab, 'Never');
    await tab.click('Save');
    expect(tab.crm.confirms[0].message).toBe('The key will no longer expire.');
    tab.crm.answerConfirm('yes');
    await tab.settle();
    expect(tab.civi.calls.map((call) => call.params)).toEqual([{ contactId: 2 }]);
    expect(tab.text()).toContain('Does not expire');
  });

  it('cancelled at the question: nothing sent, the choice still open', async () => {
    await openChange();
    await choose(tab, '1 year');
    await tab.click('Save');
    tab.crm.answerConfirm('no');
    await tab.settle();
    expect(tab.civi.calls).toEqual([]);
    expect(chosen(tab)).toBe('1 year');
    await tab.click('Cancel');
    expect(tab.buttons()).toContain('Change expiry');
    expect(tab.text()).toContain('Expires December 13th, 2026');
    expect(document.activeElement).toBe(tab.button('Change expiry'));
  });

  it('a refused date: no question, nothing sent', async () => {
    await openChange();
    await pickDate(tab, '2026-11-29');
    await tab.click('Save');
    expect(tab.crm.confirms).toEqual([]);
    expect(tab.civi.calls).toEqual([]);
    expect(fieldError(tab)).toBe('This date has passed.');
  });

  it('refused by the server: "The expiry was not changed" and why; the previous end stays', async () => {
    await openChange();
    tab.civi.failNext({ kind: 'status', body: GENERIC_403 });
    await choose(tab, '90 days');
    await tab.click('Save');
    tab.crm.answerConfirm('yes');
    await tab.settle();
    expect(calls(tab)).toEqual(['ApiKeyRecord.setExpiry']);
    expect(tab.alert()).toBe('The expiry was not changed. You do not have permission to do this.');
    expect(tab.text()).toContain('Expires December 13th, 2026 8:30 AM (in 12 days)');
    expect(tab.buttons()).toContain('Save');
  });

  it('self-service users are offered the choices within the site\'s maximum, and change their own key\'s end', async () => {
    const bindings = withKey({ contactId: 5, canView: false, keyHint: null });
    tab = await mountTab(bindings);
    tab.civi.keys.set(5, 'selfkeyselfkeyselfkeyselfkey1234');
    tab.civi.loggedInContactId = 5;
    tab.civi.permissions = new Set(['edit own api keys']);
    await tab.click('Change expiry');
    expect(optionLabels(tab)).toEqual(['30 days', '90 days', '1 year', 'On a date…']);
    await choose(tab, '90 days');
    await tab.click('Save');
    tab.crm.answerConfirm('yes');
    await tab.settle();
    expect(tab.civi.calls.map((call) => call.params)).toEqual([{ contactId: 5, expiresIn: 90 }]);
  });
});

describe('Test key on an expired key', () => {
  it('says when it expired (wire 40: 401 "API key has expired")', async () => {
    vi.stubGlobal('fetch', vi.fn(() => Promise.resolve(new Response('HTTP 401 API key has expired', { status: 401 }))));
    tab = await mountTab(withKey({ lifecycle: lifecycle({ expires: '2026-11-30 23:59:59' }) }));
    await tab.click('Test key');
    expect(tab.alert()).toBe('This key no longer works. This key expired on November 30th, 2026.');
  });

  it('without the lifecycle binding: that it has expired', async () => {
    vi.stubGlobal('fetch', vi.fn(() => Promise.resolve(new Response('HTTP 401 API key has expired', { status: 401 }))));
    tab = await mountTab({ contactId: 2, hasKey: true, canView: true, keyHint: 'nkey' });
    await tab.click('Test key');
    expect(tab.alert()).toBe('This key no longer works. This key has expired.');
  });
});
