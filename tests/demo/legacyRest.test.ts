// Legacy REST through authx (flow legacyrest, wire 42): POST civicrm/ajax/rest with api_key and
// key as request parameters. The extension's listeners see that flow like any other: the use is
// recorded and an expired key is refused, in the answer shape of authx's LegacyRestAuthenticator
// (HTTP 200 text/javascript {"error_message":"FATAL: <message>","is_error":1}).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { api4, control, type InProcessDemo, logIn, setApiKey, siteKeyOf, useInProcessDemo } from './support/demoClient';

const ADMIN_KEY = 'AdminProbeKey0123456789abcdefghi';
const JANE_KEY = 'Zq8WmR3tY6uI1oP4aS7dF0gH2jK5lX9c';
const CAPTURED_JSON = '{"sequential":1,"return":"id","options":{"limit":1}}';

let demo: InProcessDemo;
let admin: string;

useInProcessDemo((started) => ({ demo, admin } = started), { fresh: 'each' });

const stored = () => JSON.parse(readFileSync(demo.dataFile, 'utf8'));

const setKey = (cid: number, apiKey: string | null) => setApiKey(demo, admin, cid, apiKey);

/** The request of wire 42: everything in the query string, an empty POST body, no session. */
async function legacyRest(apiKey: string, siteKey: string, json = CAPTURED_JSON) {
  const query = new URLSearchParams({ entity: 'Contact', action: 'get', api_key: apiKey, key: siteKey, json });
  const response = await fetch(new URL(`/civicrm/ajax/rest?${query}`, demo.url), { method: 'POST' });
  return { status: response.status, contentType: response.headers.get('content-type'), text: await response.text() };
}

describe('legacy REST (civicrm/ajax/rest?api_key=...&key=...)', () => {
  it('answers Contact.get as wire 42 does, and records the use of the key', async () => {
    await setKey(2, ADMIN_KEY);
    expect(stored().lifecycle.records[2].last_used_date).toBeNull();
    const answer = await legacyRest(ADMIN_KEY, siteKeyOf(demo));
    expect(answer.status).toBe(200);
    expect(answer.contentType).toBe('application/json');
    // The captured answer's shape. By sort_name the first contact here is "01, Integration" (7);
    // on the captured site, without integrations, it was "Admin, Standalone" (2).
    expect(answer.text).toBe('{"is_error":0,"version":3,"count":1,"id":7,"values":[{"contact_id":"7","contact_is_deleted":"0","id":"7"}]}');
    const two = JSON.parse((await legacyRest(ADMIN_KEY, siteKeyOf(demo), '{"return":"id","options":{"limit":2}}')).text);
    expect(two).toEqual({ is_error: 0, version: 3, count: 2, values: { 7: { contact_id: '7', contact_is_deleted: '0', id: '7' }, 8: { contact_id: '8', contact_is_deleted: '0', id: '8' } } });
    expect(stored().lifecycle.records[2]).toMatchObject({ last_used_ip: '127.0.0.1' });
    expect(stored().lifecycle.records[2].last_used_date).not.toBeNull();
  });

  it('refuses a wrong key and a contact without a user account in authx legacyrest shape, recording nothing', async () => {
    await setKey(3, JANE_KEY);
    const wrong = await legacyRest('NoSuchKey0123456789abcdefghijklm', siteKeyOf(demo));
    expect([wrong.status, wrong.contentType, wrong.text]).toEqual([200, 'text/javascript', '{"error_message":"FATAL: Invalid credential","is_error":1}']);
    // authx_legacyrest_user is "require": Jane Doe has no user account.
    const noUser = await legacyRest(JANE_KEY, siteKeyOf(demo));
    expect(JSON.parse(noUser.text)).toEqual({ error_message: 'FATAL: Cannot login. No matching user is available.', is_error: 1 });
    expect(stored().lifecycle.records[3].last_used_date).toBeNull();
  });

  it('refuses a real key without the site key when the contact lacks "authenticate with api key" (the guards)', async () => {
    const kim = 'Kim5elfKeyKim5elfKeyKim5elfKey00';
    const self = await logIn(demo, 'self');
    expect((await api4(demo, 'Contact', 'update', { where: [['id', '=', 5]], values: { api_key: kim } }, { cookie: self })).status).toBe(200);
    const answer = await legacyRest(kim, 'not-the-site-key');
    expect(JSON.parse(answer.text)).toEqual({ error_message: 'FATAL: Login not permitted. Must satisfy guard (site_key, perm).', is_error: 1 });
  });

  it('ignores trailing spaces of the key as MySQL compares it, but not leading ones', async () => {
    await setKey(2, ADMIN_KEY);
    expect(JSON.parse((await legacyRest(`${ADMIN_KEY}  `, siteKeyOf(demo))).text)).toMatchObject({ is_error: 0, count: 1 });
    expect(stored().lifecycle.records[2].last_used_date).not.toBeNull();
    const leading = await legacyRest(` ${ADMIN_KEY}`, siteKeyOf(demo));
    expect(JSON.parse(leading.text)).toEqual({ error_message: 'FATAL: Invalid credential', is_error: 1 });
  });

  it('refuses an expired key with the text of wire 40/41, whatever the site key', async () => {
    await setKey(2, ADMIN_KEY);
    await control(demo, 'POST', '/demo/expire-now', { contactId: 2 }, admin);
    const used = stored().lifecycle.records[2].last_used_date;
    const answer = await legacyRest(ADMIN_KEY, siteKeyOf(demo));
    expect([answer.status, answer.contentType]).toEqual([200, 'text/javascript']);
    expect(JSON.parse(answer.text)).toEqual({ error_message: 'FATAL: API key has expired', is_error: 1 });
    expect(answer.text).not.toContain('"values"');
    expect(stored().lifecycle.records[2].last_used_date).toBe(used);
  });
});
