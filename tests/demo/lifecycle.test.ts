// The demo behaves like CiviCRM with the extension's lifecycle work installed (issues 12, 13):
// authx records a key's use (date and client address, once a minute at most), refuses an expired
// key the way wire 40/41 show, ApiKeyRecord.setExpiry keeps to the site's policy, and the daily
// job revokes expired keys (audited "API key expired") and records one reminder per key due.
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { JSDOM } from 'jsdom';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { keyFingerprint, lifecycleBinding } from '../../demo/lib/lifecycle.mjs';
import { keyHolderQuery } from '../../src/overview/keyHolders';
import { api4, authxId, control, type InProcessDemo, logIn, setApiKey, siteKeyOf, useInProcessDemo } from './support/demoClient';

const ADMIN_KEY = 'Ab3xQ9rT7mK2pL8vN4wZ6yH1jF5dS0cX';
const JANE_KEY = 'Zq8WmR3tY6uI1oP4aS7dF0gH2jK5lX9c';
const KIM_KEY = 'Kim5elfKeyKim5elfKeyKim5elfKey00';
const EXPIRED = 'HTTP 401 API key has expired';
const DAY_MS = 86_400_000;

let demo: InProcessDemo;
let admin: string;

useInProcessDemo((started) => ({ demo, admin } = started), { fresh: 'each' });

afterEach(() => {
  vi.useRealTimers();
});

interface KeyRow {
  id: number;
  contact_id: number;
  key_fingerprint: string;
  set_date: string;
  set_by: number | null;
  last_used_date: string | null;
  last_used_ip: string | null;
  expires_date: string | null;
  reminder_sent_date: string | null;
}

// Every write is on disk before its request is answered, so the file is the truth here.
const stored = () => JSON.parse(readFileSync(demo.dataFile, 'utf8'));
const row = (cid: number): KeyRow | undefined => stored().lifecycle.records[cid];
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const stamp = (date: Date) => date.toISOString().slice(0, 19).replace('T', ' ');
const day = (date: Date) => date.toISOString().slice(0, 10);

const setKey = (cid: number, apiKey: string | null, cookie = admin) => setApiKey(demo, cookie, cid, apiKey);

/** The tab's curl example: an APIv4 call with the key and no session. */
async function curl(apiKey: string, siteKey?: string) {
  const headers: Record<string, string> = { 'X-Civi-Auth': `Bearer ${apiKey}`, 'Content-Type': 'application/x-www-form-urlencoded' };
  if (siteKey) headers['X-Civi-Key'] = siteKey;
  const response = await fetch(new URL('/civicrm/ajax/api4/Contact/get', demo.url), {
    method: 'POST',
    headers,
    body: new URLSearchParams({ params: JSON.stringify({ select: ['id'], limit: 1 }) }).toString(),
  });
  return { status: response.status, contentType: response.headers.get('content-type'), text: await response.text() };
}

/** Only Date is faked, so sockets and the server's timers keep running. */
function clockAt(iso: string) {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date(iso));
}

describe('authx records the use of a key', () => {
  it('a key set through Contact.update starts "never used"; authx/id records when and from where', async () => {
    await setKey(2, ADMIN_KEY);
    expect(row(2)).toMatchObject({ contact_id: 2, key_fingerprint: sha256(ADMIN_KEY), set_by: 2, last_used_date: null, last_used_ip: null });
    expect(JSON.stringify(stored().lifecycle)).not.toContain(ADMIN_KEY);

    const before = stamp(new Date());
    const answer = await authxId(demo, { 'X-Civi-Auth': `Bearer ${ADMIN_KEY}` });
    expect(answer.status).toBe(200);
    expect(row(2)!.last_used_date! >= before).toBe(true);
    expect(row(2)!.last_used_ip).toBe('127.0.0.1');
  });

  it('the curl example records too, with the site key for a contact without a user', async () => {
    await setKey(3, JANE_KEY);
    expect((await curl(JANE_KEY, siteKeyOf(demo))).status).toBe(200);
    expect(row(3)).toMatchObject({ last_used_ip: '127.0.0.1' });
    expect(row(3)!.last_used_date).not.toBeNull();
  });

  it('a refused call records nothing: a wrong key, or a key whose contact fails the guards', async () => {
    await setKey(3, JANE_KEY);
    expect((await curl(JANE_KEY)).text).toBe('HTTP 401 Login not permitted. Must satisfy guard (site_key, perm).');
    expect((await authxId(demo, { 'X-Civi-Auth': 'Bearer WrongKeyWrongKeyWrongKeyWrong123' })).status).toBe(401);
    expect(row(3)!.last_used_date).toBeNull();
  });

  it('at most once per key per 60 seconds, each key on its own', async () => {
    clockAt('2026-12-01T09:00:00Z');
    await setKey(2, ADMIN_KEY);
    await setKey(3, JANE_KEY);
    await authxId(demo, { 'X-Civi-Auth': `Bearer ${ADMIN_KEY}` });
    expect(row(2)!.last_used_date).toBe('2026-12-01 09:00:00');

    vi.setSystemTime(new Date('2026-12-01T09:00:59Z'));
    await authxId(demo, { 'X-Civi-Auth': `Bearer ${ADMIN_KEY}` });
    await curl(JANE_KEY, siteKeyOf(demo));
    expect(row(2)!.last_used_date).toBe('2026-12-01 09:00:00');
    expect(row(3)!.last_used_date).toBe('2026-12-01 09:00:59');

    vi.setSystemTime(new Date('2026-12-01T09:01:00Z'));
    await authxId(demo, { 'X-Civi-Auth': `Bearer ${ADMIN_KEY}` });
    expect(row(2)!.last_used_date).toBe('2026-12-01 09:01:00');
  });

  it('a JWT is not an api key: its use records nothing, and the contact\'s expired key does not refuse it', async () => {
    await setKey(2, ADMIN_KEY);
    const created = await api4(demo, 'AuthxCredential', 'create', { contactId: 2, ttl: 300 }, { cookie: admin });
    const jwt = /^Bearer (.+)$/.exec(created.json.values[0].cred)![1];
    expect((await authxId(demo, { 'X-Civi-Auth': `Bearer ${jwt}` })).json).toMatchObject({ contact_id: 2, cred: 'jwt' });
    expect(row(2)!.last_used_date).toBeNull();
    await control(demo, 'POST', '/demo/expire-now', { contactId: 2 }, admin);
    expect((await authxId(demo, { 'X-Civi-Auth': `Bearer ${jwt}` })).status).toBe(200);
  });

  it('a key from before the extension (no row) gets a row at its first use', async () => {
    // Integration 04 (contact 9)... contact 8 has no seeded row: its key predates the extension.
    expect(row(8)).toBeUndefined();
    const key: string = stored().apiKeys[8];
    expect((await curl(key, siteKeyOf(demo))).status).toBe(200);
    expect(row(8)).toMatchObject({ key_fingerprint: sha256(key), set_date: null, set_by: null, last_used_ip: '127.0.0.1', expires_date: null });
  });

  it('under a site maximum, a key without a row ends that many days after its first use, as CredentialWatch gives it', async () => {
    await saveSettings({ apikeytab_default_lifetime: '30', apikeytab_max_lifetime: '90', apikeytab_reminder_days: '7' });
    clockAt('2026-12-01T10:00:00Z');
    expect(row(8)).toBeUndefined();
    expect((await curl(stored().apiKeys[8], siteKeyOf(demo))).status).toBe(200);
    expect(row(8)).toMatchObject({ last_used_date: '2026-12-01 10:00:00', expires_date: '2027-03-01 10:00:00', set_date: null });
    // The tab then says when it ends, and the job would remind and revoke it like any other.
    expect(lifecycleBinding(stored().lifecycle, 8, stored().apiKeys[8], true).expires).toBe('2027-03-01 10:00:00');
  });

  it('the fingerprint leaves trailing spaces out, as KeyRecords::fingerprint() does', async () => {
    const spaced = 'Zq8WmR3tY6uI1oP4aS7dF0gH2jK5l  ';
    await setKey(3, spaced);
    expect(stored().apiKeys[3]).toBe(spaced);
    expect(row(3)!.key_fingerprint).toBe(sha256('Zq8WmR3tY6uI1oP4aS7dF0gH2jK5l'));
    expect(keyFingerprint(' lead')).toBe(sha256(' lead'));
    expect(keyFingerprint('tab\t')).toBe(sha256('tab\t'));
  });

  it('a use that cannot be written is logged without the key, and the request goes on', async () => {
    await setKey(2, ADMIN_KEY);
    // The data directory vanishes: every write from now on fails.
    rmSync(dirname(demo.dataFile), { recursive: true, force: true });
    const answer = await authxId(demo, { 'X-Civi-Auth': `Bearer ${ADMIN_KEY}` });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ contact_id: 2, cred: 'api_key' });
    expect(demo.logLines.some((line) => line.includes('WARNING the use of the API key of contact 2 could not be recorded'))).toBe(true);
    expect(demo.logLines.filter((line) => line.includes(ADMIN_KEY) || line.includes(sha256(ADMIN_KEY)))).toEqual([]);
  });

  it('a new key starts afresh and a revoke removes the row', async () => {
    await setKey(2, ADMIN_KEY);
    await authxId(demo, { 'X-Civi-Auth': `Bearer ${ADMIN_KEY}` });
    await setKey(2, JANE_KEY);
    expect(row(2)).toMatchObject({ key_fingerprint: sha256(JANE_KEY), last_used_date: null, last_used_ip: null });
    await control(demo, 'POST', '/demo/set-key', { cid: 2, api_key: null }, admin);
    expect(row(2)).toBeUndefined();
  });
});

/** The `lifecycle` binding the contact summary hands the tab, as the browser reads it. */
async function pageLifecycle(cid: number, cookie = admin) {
  const html = await (await fetch(new URL(`/?cid=${cid}`, demo.url), { headers: { Cookie: cookie } })).text();
  const tab = new JSDOM(html).window.document.querySelector('crm-api-key-tab');
  return JSON.parse(tab!.getAttribute('lifecycle')!);
}

describe('the tab\'s lifecycle binding', () => {
  it('comes with the page: after the curl example, Last used with the address for the admin, without it for the self-service user', async () => {
    const self = await logIn(demo, 'self');
    await setKey(5, KIM_KEY, self);
    expect(await pageLifecycle(5)).toMatchObject({ last_used: null, usage_since: null, expires: null });
    expect((await curl(KIM_KEY, siteKeyOf(demo))).status).toBe(200);
    const forAdmin = await pageLifecycle(5);
    expect(forAdmin.last_used).toEqual({ date: row(5)!.last_used_date, ip: '127.0.0.1' });
    expect((await pageLifecycle(5, self)).last_used).toEqual({ date: row(5)!.last_used_date, ip: null });
    expect(forAdmin.policy).toEqual({ default_days: null, max_days: null, notice_days: 7 });
  });

  it('says when and from where to key readers, when only to others, and since when for an old key', async () => {
    await setKey(2, ADMIN_KEY);
    await authxId(demo, { 'X-Civi-Auth': `Bearer ${ADMIN_KEY}` });
    const lifecycle = stored().lifecycle;
    const reader = lifecycleBinding(lifecycle, 2, ADMIN_KEY, true);
    expect(reader).toMatchObject({ last_used: { ip: '127.0.0.1' }, usage_since: null, expires: null, policy: { default_days: null, max_days: null, notice_days: 7 } });
    expect(lifecycleBinding(lifecycle, 2, ADMIN_KEY, false).last_used).toEqual({ date: reader.last_used!.date, ip: null });
    expect(lifecycleBinding(lifecycle, 8, stored().apiKeys[8], true)).toMatchObject({ last_used: null, usage_since: lifecycle.installedDate });
    expect(lifecycleBinding(lifecycle, 3, null, true)).toEqual({ last_used: null, usage_since: null, expires: null, policy: reader.policy });
  });
});

describe('an expired key is refused on every flow (wire 40, 41)', () => {
  it('civicrm/authx/id and the APIv4 call, with or without the site key, and its use is not recorded', async () => {
    await setKey(2, ADMIN_KEY);
    await setKey(3, JANE_KEY);
    expect((await control(demo, 'POST', '/demo/expire-now', { contactId: 2 }, admin)).status).toBe(200);
    expect((await control(demo, 'POST', '/demo/expire-now', { contactId: 3 }, admin)).status).toBe(200);

    for (const answer of [
      await authxId(demo, { 'X-Civi-Auth': `Bearer ${ADMIN_KEY}` }),
      await authxId(demo, { 'X-Civi-Auth': `Bearer ${ADMIN_KEY}`, 'X-Civi-Key': siteKeyOf(demo) }),
      await curl(ADMIN_KEY),
      await curl(ADMIN_KEY, siteKeyOf(demo)),
      // Jane has no user: the guards would refuse her, but the expiry is checked first.
      await curl(JANE_KEY),
    ]) {
      expect(answer).toMatchObject({ status: 401, contentType: 'text/plain;charset=UTF-8', text: EXPIRED });
    }
    expect(row(2)!.last_used_date).toBeNull();
    // A key that has not expired works on.
    await setKey(4, KIM_KEY);
    expect((await curl(KIM_KEY, siteKeyOf(demo))).status).toBe(200);
  });

  it('a logged-in session still wins over the key (the trap of wire 33)', async () => {
    await setKey(2, ADMIN_KEY);
    await control(demo, 'POST', '/demo/expire-now', { contactId: 2 }, admin);
    const answer = await authxId(demo, { 'X-Civi-Auth': `Bearer ${ADMIN_KEY}`, Cookie: admin });
    expect(answer.json).toMatchObject({ flow: 'already-logged-in' });
  });

  it('expire-now needs the administrator and a key', async () => {
    expect((await control(demo, 'POST', '/demo/expire-now', { contactId: 3 }, admin)).json.error_message).toBe('Contact 3 has no API key.');
    expect((await control(demo, 'POST', '/demo/expire-now', { contactId: 3 }, await logIn(demo, 'staff'))).status).toBe(403);
  });
});

describe('ApiKeyRecord.setExpiry', () => {
  const setExpiry = (params: object, cookie = admin) => api4(demo, 'ApiKeyRecord', 'setExpiry', params, { cookie });

  it('sets an end in days or on a date, or none, and answers [{contact_id, expires_date}]', async () => {
    await setKey(3, JANE_KEY);
    const in30 = await setExpiry({ contactId: 3, expiresIn: 30 });
    expect(in30.status).toBe(200);
    const expected = Date.now() + 30 * DAY_MS;
    expect(Math.abs(Date.parse(`${in30.json.values[0].expires_date.replace(' ', 'T')}Z`) - expected)).toBeLessThan(5_000);
    expect(row(3)!.expires_date).toBe(in30.json.values[0].expires_date);

    const onDay = day(new Date(Date.now() + 10 * DAY_MS));
    expect((await setExpiry({ contactId: 3, expiresOn: onDay })).json.values).toEqual([{ contact_id: 3, expires_date: `${onDay} 23:59:59` }]);
    expect((await setExpiry({ contactId: 3 })).json.values).toEqual([{ contact_id: 3, expires_date: null }]);
    expect(row(3)!.expires_date).toBeNull();
  });

  it('refuses a past date, both forms at once, and a contact without a key, with the reason for debug viewers', async () => {
    await setKey(3, JANE_KEY);
    const yesterday = day(new Date(Date.now() - DAY_MS));
    const reason = async (params: object) => (await setExpiry(params)).json;
    expect(await reason({ contactId: 3, expiresOn: yesterday })).toMatchObject({ status: 500, error_message: 'The expiry date has already passed: choose today or a later day.' });
    expect((await reason({ contactId: 3, expiresIn: 5, expiresOn: day(new Date()) })).error_message).toBe('Choose either a number of days or a date for the key to expire, not both.');
    expect((await reason({ contactId: 3, expiresIn: 0 })).error_message).toBe('The key must expire after a whole number of days, 1 or more.');
    expect((await reason({ contactId: 3, expiresOn: '2027-02-30' })).error_message).toBe('The expiry date must be a date written YYYY-MM-DD.');
    expect((await reason({ contactId: 4, expiresIn: 5 })).error_message).toBe('This contact has no API key, so there is nothing to expire.');
    // Today is not past: the key ends at the end of the day.
    expect((await reason({ contactId: 3, expiresOn: day(new Date()) })).values).toEqual([{ contact_id: 3, expires_date: `${day(new Date())} 23:59:59` }]);
    await setExpiry({ contactId: 3 });
    expect(row(3)!.expires_date).toBeNull();
  });

  it('keeps to the site maximum: nothing past it, and no "never"', async () => {
    await saveSettings({ apikeytab_default_lifetime: '30', apikeytab_max_lifetime: '90', apikeytab_reminder_days: '7' });
    await setKey(3, JANE_KEY);
    // A key set without a choice gets the maximum.
    expect(Date.parse(`${row(3)!.expires_date!.replace(' ', 'T')}Z`) - Date.now()).toBeGreaterThan(89 * DAY_MS);
    const tooLong = 'API keys on this site may live at most 90 days: choose an earlier expiry.';
    expect((await setExpiry({ contactId: 3, expiresIn: 91 })).json.error_message).toBe(tooLong);
    expect((await setExpiry({ contactId: 3, expiresOn: day(new Date(Date.now() + 91 * DAY_MS)) })).json.error_message).toBe(tooLong);
    expect((await setExpiry({ contactId: 3 })).json.error_message).toBe('This site requires every API key to expire within 90 days: choose when this one ends.');
    expect((await setExpiry({ contactId: 3, expiresIn: 90 })).status).toBe(200);
    expect((await setExpiry({ contactId: 3, expiresOn: day(new Date(Date.now() + 90 * DAY_MS)) })).status).toBe(200);
  });

  it('is allowed like a key write: the self-service user on their own key only; others get the generic error', async () => {
    const self = await logIn(demo, 'self');
    const staff = await logIn(demo, 'staff');
    const reader = await logIn(demo, 'reader');
    await setKey(5, KIM_KEY, self);
    await setKey(3, JANE_KEY);
    expect((await setExpiry({ contactId: 5, expiresIn: 30 }, self)).status).toBe(200);
    // The reader reads every key but may change none (no edit access to contacts, wire 38).
    for (const answer of [
      await setExpiry({ contactId: 3, expiresIn: 30 }, self),
      await setExpiry({ contactId: 3, expiresIn: 30 }, staff),
      await setExpiry({ contactId: 3, expiresIn: 30 }, reader),
    ]) {
      expect(answer.status).toBe(403);
      expect(answer.json.error_message).toMatch(/^Sorry an error occurred and your request was not completed\. \(Error ID: [\w-]+\)$/);
    }
    // Without `view debug output` a refusal of the date is the generic text too.
    const past = await setExpiry({ contactId: 5, expiresOn: '2020-01-01' }, self);
    expect(past.status).toBe(500);
    expect(past.json.error_message).toMatch(/^Sorry an error occurred/);
  });
});

describe('ApiKeyRecord.get', () => {
  it('lists rows to key readers, never a key; the generic 403 to others', async () => {
    await setKey(3, JANE_KEY);
    const answer = await api4(demo, 'ApiKeyRecord', 'get', { where: [['contact_id', '=', 3]] }, { cookie: admin });
    expect(answer.json.values).toEqual([expect.objectContaining({ contact_id: 3, key_fingerprint: sha256(JANE_KEY), set_by: 2 })]);
    expect(answer.text).not.toContain(JANE_KEY);
    for (const user of ['self', 'staff'] as const) {
      const refused = await api4(demo, 'ApiKeyRecord', 'get', {}, { cookie: await logIn(demo, user) });
      expect(refused.status).toBe(403);
      expect(refused.json.error_message).toMatch(/^Sorry an error occurred/);
    }
  });
});

describe('the daily job (ApiKeyRecord.expire, POST /demo/run-job)', () => {
  it('revokes expired keys with the audit subject "API key expired", reminds once, and a second run does nothing', async () => {
    await setKey(2, ADMIN_KEY);
    await setKey(3, JANE_KEY);
    await api4(demo, 'ApiKeyRecord', 'setExpiry', { contactId: 3, expiresIn: 5 }, { cookie: admin });
    await control(demo, 'POST', '/demo/expire-now', { contactId: 2 }, admin);

    const first = await control(demo, 'POST', '/demo/run-job', {}, admin);
    expect(first.json.values).toEqual([{ revoked: 1, reminded: 1, failed: 0 }]);
    expect(stored().apiKeys[2]).toBeNull();
    expect(row(2)).toBeUndefined();
    expect(stored().activities.at(-1)).toMatchObject({ subject: 'API key expired', sourceContactId: 1, targetContactId: 2, details: 'Made by a scheduled job: nobody was logged in.' });

    const mail = (await control(demo, 'GET', '/demo/mail', undefined, admin)).json.mail;
    expect(mail).toHaveLength(1);
    expect(mail[0]).toMatchObject({ contactId: 3, to: ['admin@example.org', 'jane.doe@example.org'] });
    expect(mail[0].subject).toContain('Jane Doe');
    expect(JSON.stringify(mail)).not.toContain(JANE_KEY);
    expect(JSON.stringify(mail)).not.toContain(JANE_KEY.slice(-4));
    expect(row(3)!.reminder_sent_date).not.toBeNull();

    const activitiesBefore = stored().activities.length;
    expect((await control(demo, 'POST', '/demo/run-job', {}, admin)).json.values).toEqual([{ revoked: 0, reminded: 0, failed: 0 }]);
    expect((await control(demo, 'GET', '/demo/mail', undefined, admin)).json.mail).toHaveLength(1);
    expect(stored().activities).toHaveLength(activitiesBefore);
  });

  it('a new end means a new reminder; APIv4 ApiKeyRecord.expire is for key administrators', async () => {
    await setKey(3, JANE_KEY);
    await api4(demo, 'ApiKeyRecord', 'setExpiry', { contactId: 3, expiresIn: 3 }, { cookie: admin });
    const reminded = [{ revoked: 0, reminded: 1, failed: 0 }];
    expect((await api4(demo, 'ApiKeyRecord', 'expire', {}, { cookie: admin })).json.values).toEqual(reminded);
    await api4(demo, 'ApiKeyRecord', 'setExpiry', { contactId: 3, expiresIn: 2 }, { cookie: admin });
    expect((await api4(demo, 'ApiKeyRecord', 'expire', {}, { cookie: admin })).json.values).toEqual(reminded);
    expect((await api4(demo, 'ApiKeyRecord', 'expire', {}, { cookie: await logIn(demo, 'self') })).status).toBe(403);
  });
});

async function saveSettings(values: Record<string, string>, cookie = admin) {
  const response = await fetch(new URL('/civicrm/admin/setting/apikeytab', demo.url), {
    method: 'POST',
    headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(values).toString(),
  });
  return { status: response.status, text: await response.text() };
}

describe('the settings page (civicrm/admin/setting/apikeytab)', () => {
  it('saves sensible values, which the tab\'s policy then carries', async () => {
    const page = await fetch(new URL('/civicrm/admin/setting/apikeytab', demo.url), { headers: { Cookie: admin } });
    expect(await page.text()).toContain('<label for="apikeytab_max_lifetime">Maximum key lifetime (days)</label>');
    const saved = await saveSettings({ apikeytab_default_lifetime: '90', apikeytab_max_lifetime: '365', apikeytab_reminder_days: '14' });
    expect(saved.text).toContain('role="status">Settings saved.</div>');
    expect(stored().lifecycle.settings).toEqual({ apikeytab_default_lifetime: 90, apikeytab_max_lifetime: 365, apikeytab_reminder_days: 14 });
    expect(lifecycleBinding(stored().lifecycle, 3, null, true).policy).toEqual({ default_days: 90, max_days: 365, notice_days: 14 });
  });

  const whole = (title: string) => `${title}: enter a whole number of days from 0 to 36500.`;
  it.each([
    [{ apikeytab_default_lifetime: '-1', apikeytab_max_lifetime: '0', apikeytab_reminder_days: '7' }, 'apikeytab_default_lifetime', whole('Default key lifetime (days)')],
    [{ apikeytab_default_lifetime: '30', apikeytab_max_lifetime: 'ninety', apikeytab_reminder_days: '7' }, 'apikeytab_max_lifetime', whole('Maximum key lifetime (days)')],
    [{ apikeytab_default_lifetime: '30', apikeytab_max_lifetime: '0', apikeytab_reminder_days: '2.5' }, 'apikeytab_reminder_days', whole('Reminder before expiry (days)')],
    [{ apikeytab_default_lifetime: '30', apikeytab_max_lifetime: '36501', apikeytab_reminder_days: '7' }, 'apikeytab_max_lifetime', whole('Maximum key lifetime (days)')],
    [
      { apikeytab_default_lifetime: '400', apikeytab_max_lifetime: '365', apikeytab_reminder_days: '7' },
      'apikeytab_max_lifetime',
      'The maximum lifetime (365 days) is shorter than the default lifetime (400 days): raise the maximum or lower the default.',
    ],
    [
      { apikeytab_default_lifetime: '0', apikeytab_max_lifetime: '365', apikeytab_reminder_days: '7' },
      'apikeytab_default_lifetime',
      'With a maximum lifetime of 365 days, keys cannot default to never expiring: enter a default of at most 365 days.',
    ],
    [
      { apikeytab_default_lifetime: '5', apikeytab_max_lifetime: '10', apikeytab_reminder_days: '14' },
      'apikeytab_reminder_days',
      'The reminder (14 days before the end) would go out before a key of the maximum lifetime (10 days) is even made: enter at most 10 days.',
    ],
  ])('refuses %j with a clear message beside the field and changes nothing', async (values, field, message) => {
    const answer = await saveSettings(values);
    expect(answer.status).toBe(200);
    expect(answer.text).toContain(`<span class="crm-error" id="${field}-error">${message}</span>`);
    expect(answer.text).toMatch(/role="alert">Please correct the following errors/);
    // The form keeps what was typed, so it can be corrected.
    expect(answer.text).toContain(`value="${values.apikeytab_default_lifetime}"`);
    expect(stored().lifecycle.settings).toEqual({ apikeytab_default_lifetime: 0, apikeytab_max_lifetime: 0, apikeytab_reminder_days: 7 });
  });

  it('is for administer CiviCRM only', async () => {
    const self = await logIn(demo, 'self');
    expect((await fetch(new URL('/civicrm/admin/setting/apikeytab', demo.url), { headers: { Cookie: self } })).status).toBe(403);
    expect((await saveSettings({ apikeytab_default_lifetime: '1', apikeytab_max_lifetime: '1', apikeytab_reminder_days: '1' }, self)).status).toBe(403);
    expect((await saveSettings({ apikeytab_default_lifetime: '1', apikeytab_max_lifetime: '1', apikeytab_reminder_days: '1' }, '')).status).toBe(401);
    expect(stored().lifecycle.settings.apikeytab_max_lifetime).toBe(0);
  });
});

describe("the overview's join on ApiKeyRecord", () => {
  const query = (orderBy: Record<string, 'ASC' | 'DESC'>, join: unknown[] = [['ApiKeyRecord AS key_record', 'LEFT', ['key_record.contact_id', '=', 'id']]]) => ({
    select: ['id', 'key_record.id', 'key_record.last_used_date', 'key_record.last_used_ip', 'key_record.expires_date'],
    join,
    where: [['api_key', 'IS NOT EMPTY']],
    orderBy,
    limit: 100,
  });

  it('a LEFT join: every key holder, NULL without a row, longest unused first with NULL first', async () => {
    const answer = await api4(demo, 'Contact', 'get', query({ 'key_record.last_used_date': 'ASC', id: 'ASC' }), { cookie: admin });
    expect(answer.status, answer.text).toBe(200);
    const values: Array<Record<string, string | number | null>> = answer.json.values;
    expect(values).toHaveLength(40);
    const dates = values.map((value) => value['key_record.last_used_date']);
    const firstUsed = dates.findIndex((date) => date !== null);
    expect(firstUsed).toBeGreaterThan(0);
    expect(dates.slice(firstUsed).every((date) => date !== null)).toBe(true);
    expect(dates.slice(firstUsed)).toEqual([...dates.slice(firstUsed)].sort());
    // Contact 8's key predates the extension: no row, all NULL (the overview says "not recorded").
    expect(values.find((value) => value.id === 8)).toEqual({ id: 8, 'key_record.id': null, 'key_record.last_used_date': null, 'key_record.last_used_ip': null, 'key_record.expires_date': null });
    expect(values.find((value) => value.id === 7)).toMatchObject({ 'key_record.id': expect.any(Number), 'key_record.last_used_ip': '203.0.113.7' });
  });

  it('orders by the end too, beside the activity join of the overview', async () => {
    const both = query({ 'key_record.expires_date': 'DESC' }, [
      ['Activity AS activity', 'LEFT', 'ActivityContact', ['activity.record_type_id:name', '=', '"Activity Targets"'], ['activity.activity_type_id:name', '=', '"apikeytab_key_changed"']],
      ['ApiKeyRecord AS key_record', 'LEFT'],
    ]);
    const answer = await api4(demo, 'Contact', 'get', { ...both, select: [...both.select, 'MAX(activity.activity_date_time) AS last_changed'], groupBy: ['id'] }, { cookie: admin });
    expect(answer.status, answer.text).toBe(200);
    const ends = answer.json.values.map((value: Record<string, unknown>) => value['key_record.expires_date']);
    expect(ends[0]).not.toBeNull();
    expect(ends.at(-1)).toBeNull();
  });

  it("answers the overview's own query (keyHolderQuery, longest unused first)", async () => {
    await setKey(3, JANE_KEY);
    await curl(JANE_KEY, siteKeyOf(demo));
    const answer = await api4(demo, 'Contact', 'get', keyHolderQuery(0, 25, 'unused'), { cookie: admin });
    expect(answer.status, answer.text).toBe(200);
    const values: Array<Record<string, unknown>> = answer.json.values;
    expect(values).toHaveLength(26);
    expect(values[0]['key_record.last_used_date']).toBeNull();
    expect(values.find((value) => value.id === 3)).toBeUndefined();
    const all = await api4(demo, 'Contact', 'get', { ...keyHolderQuery(0, 100, 'unused'), limit: 100 }, { cookie: admin });
    // Jane's key was used just now: the most recent use comes last.
    expect(all.json.values.at(-1)).toMatchObject({ id: 3, 'key_record.last_used_ip': '127.0.0.1' });
  });

  it('skips the join for a viewer who may not get ApiKeyRecord, as Api4SelectQuery does: its fields are unknown', async () => {
    const self = await logIn(demo, 'self');
    const answer = await api4(demo, 'Contact', 'get', { ...query({}), where: [['id', '=', 7]] }, { cookie: self });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json.values).toEqual([{ id: 7 }]);
  });

  it('refuses join shapes it does not implement', async () => {
    const inner = await api4(demo, 'Contact', 'get', query({}, [['ApiKeyRecord AS key_record', 'INNER']]), { cookie: admin });
    expect(inner.status).toBe(500);
    expect(inner.json.error_message).toContain('The demo joins ApiKeyRecord only as');
  });
});

describe('persistence', () => {
  it('rows, settings and mail survive a restart', async () => {
    await saveSettings({ apikeytab_default_lifetime: '30', apikeytab_max_lifetime: '60', apikeytab_reminder_days: '7' });
    await setKey(2, ADMIN_KEY);
    await authxId(demo, { 'X-Civi-Auth': `Bearer ${ADMIN_KEY}` });
    await api4(demo, 'ApiKeyRecord', 'setExpiry', { contactId: 2, expiresIn: 3 }, { cookie: admin });
    await control(demo, 'POST', '/demo/run-job', {}, admin);
    const before = stored().lifecycle;
    await demo.restart();
    expect(stored().lifecycle).toEqual(before);
    expect((await control(demo, 'GET', '/demo/mail', undefined, admin)).json.mail).toHaveLength(1);
    await control(demo, 'POST', '/demo/expire-now', { contactId: 2 }, admin);
    await demo.restart();
    expect((await authxId(demo, { 'X-Civi-Auth': `Bearer ${ADMIN_KEY}` })).text).toBe(EXPIRED);
  });
});
