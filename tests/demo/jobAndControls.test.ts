// The demo's expiry job, reminder, controls and token ttl, each against what the extension's PHP
// does on a real CiviCRM (Civi/ApiKeyTab/, managed/MessageTemplate.mgd.php) and what core answers (wire/, authx):
// the job's revoke is the domain organization's, the reminder is the template's, the demo's own
// lifecycle controls are the administrator's, AuthxCredential.create takes ttl as core does.
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { displayName } from '../../demo/lib/civicrm.mjs';
import { api4, authxId, control, type InProcessDemo, logIn, setApiKey, useInProcessDemo } from './support/demoClient';

const JANE_KEY = 'Zq8WmR3tY6uI1oP4aS7dF0gH2jK5lX9c';
const JANE = 3;
const SITE_FORMAT = '%B %E%f, %Y %l:%M %P';

let demo: InProcessDemo;
let admin: string;

useInProcessDemo((started) => ({ demo, admin } = started), { fresh: 'each' });

const stored = () => JSON.parse(readFileSync(demo.dataFile, 'utf8'));

const setKey = (cid: number, apiKey: string | null) => setApiKey(demo, admin, cid, apiKey);

async function tabBinding(cid: number, name: string) {
  const html = await (await fetch(new URL(`/?cid=${cid}&selectedChild=apikey`, demo.url), { headers: { Cookie: admin } })).text();
  const tab = new JSDOM(html).window.document.querySelector('crm-api-key-tab');
  return JSON.parse(tab!.getAttribute(name)!);
}

describe('the expiry job run by cron: nobody is logged in', () => {
  it("records the revoke with the domain's organization as source and says a scheduled job made it", async () => {
    await setKey(JANE, JANE_KEY);
    await control(demo, 'POST', '/demo/expire-now', { contactId: JANE }, admin);
    expect((await control(demo, 'POST', '/demo/run-job', {}, admin)).json.values).toEqual([{ revoked: 1, reminded: 0, failed: 0 }]);

    expect(stored().activities.at(-1)).toMatchObject({
      subject: 'API key expired',
      sourceContactId: 1,
      targetContactId: JANE,
      details: 'Made by a scheduled job: nobody was logged in.',
    });
    // What the tab says of it: "Last changed ... by Default Organization", not by Jane Doe.
    expect(await tabBinding(JANE, 'last-change')).toMatchObject({ by: 'Default Organization' });
    // The change the administrator made before names the administrator, with no such details.
    expect(stored().activities.at(-2)).toMatchObject({ subject: 'API key generated', sourceContactId: 2 });
    expect(stored().activities.at(-2)).not.toHaveProperty('details');
  });

  it('the organization is contact 1, an Organization without a key, and no user of the demo', async () => {
    expect(displayName(1)).toBe('Default Organization');
    const answer = await api4(demo, 'Contact', 'get', { where: [['id', '=', 1]], select: ['id', 'contact_type', 'display_name', 'sort_name', 'api_key'] }, { cookie: admin });
    expect(answer.json.values).toEqual([{ id: 1, contact_type: 'Organization', display_name: 'Default Organization', sort_name: 'Default Organization', api_key: null }]);
    const page = await (await fetch(new URL('/?cid=3', demo.url), { headers: { Cookie: admin } })).text();
    const switchers = new JSDOM(page).window.document.querySelectorAll('.demo-switcher a');
    expect([...switchers].map((link) => link.textContent)).not.toContain('1 Default Organization');
  });

  it('the job run through APIv4 by a logged-in administrator names the administrator, as KeyAudit does', async () => {
    await setKey(JANE, JANE_KEY);
    await control(demo, 'POST', '/demo/expire-now', { contactId: JANE }, admin);
    expect((await api4(demo, 'ApiKeyRecord', 'expire', {}, { cookie: admin })).json.values).toEqual([{ revoked: 1, reminded: 0, failed: 0 }]);
    expect(stored().activities.at(-1)).toMatchObject({ subject: 'API key expired', sourceContactId: 2, targetContactId: JANE });
    expect(stored().activities.at(-1)).not.toHaveProperty('details');
  });
});

describe('the reminder is the default of the message template apikeytab_expiry_reminder', () => {
  it('subject and text as managed/MessageTemplate.mgd.php, the date in the site format, the tab as an absolute URL, nothing of the key', async () => {
    await setKey(JANE, JANE_KEY);
    await api4(demo, 'ApiKeyRecord', 'setExpiry', { contactId: JANE, expiresIn: 5 }, { cookie: admin });
    const expires: string = stored().lifecycle.records[JANE].expires_date;
    expect((await control(demo, 'POST', '/demo/run-job', {}, admin)).json.values).toEqual([{ revoked: 0, reminded: 1, failed: 0 }]);

    const [mail] = (await control(demo, 'GET', '/demo/mail', undefined, admin)).json.mail;
    // The tab's own customFormat (core's tokens and padding) says what the site format gives; it
    // translates through CRM.ts, which only the page has.
    (globalThis as { CRM?: unknown }).CRM ??= { ts: () => (text: string) => text };
    const { customFormat } = await import('../../src/shared/siteTime');
    const expiresOn = customFormat(expires, SITE_FORMAT, 'en_US');
    const contactUrl = new URL(`/civicrm/contact/view?reset=1&cid=${JANE}&selectedChild=apikey`, demo.url).href;
    expect(contactUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/civicrm\/contact\/view\?reset=1&cid=3&selectedChild=apikey$/);
    expect(mail.subject).toBe(`The API key of Jane Doe expires on ${expiresOn}`);
    expect(mail.body).toBe(
      `The API key of Jane Doe expires on ${expiresOn}. After that, every request that uses it will be refused.\n\n` +
        'If the key is still needed, open the API Key tab of the contact and choose a later expiry, or make a new key for whatever uses it:\n' +
        `${contactUrl}\n\n` +
        'You receive this message because you set this key or because it belongs to you. It does not contain the key.\n',
    );
    // The site format names the month and the day: no raw date.
    expect(mail.subject).not.toContain(expires.slice(0, 10));
    for (const part of [JANE_KEY, JANE_KEY.slice(-4), JANE_KEY.slice(0, 8)]) expect(JSON.stringify(mail)).not.toContain(part);
  });
});

describe("the demo's lifecycle controls are the administrator's", () => {
  it.each(['reader', 'self', 'staff'] as const)('%s gets 403 from run-job, expire-now and the mail list, and changes nothing', async (name) => {
    await setKey(JANE, JANE_KEY);
    await api4(demo, 'ApiKeyRecord', 'setExpiry', { contactId: JANE, expiresIn: 5 }, { cookie: admin });
    const cookie = await logIn(demo, name);
    const before = stored().lifecycle;
    expect((await control(demo, 'POST', '/demo/run-job', {}, cookie)).status).toBe(403);
    expect((await control(demo, 'POST', '/demo/expire-now', { contactId: JANE }, cookie)).status).toBe(403);
    expect(stored().lifecycle).toEqual(before);

    await control(demo, 'POST', '/demo/run-job', {}, admin);
    const mail = await control(demo, 'GET', '/demo/mail', undefined, cookie);
    expect(mail.status).toBe(403);
    expect(mail.text).not.toContain('@example.org');
  });

  it('without a session the mail list is refused too; the administrator gets it', async () => {
    await setKey(JANE, JANE_KEY);
    await api4(demo, 'ApiKeyRecord', 'setExpiry', { contactId: JANE, expiresIn: 5 }, { cookie: admin });
    await control(demo, 'POST', '/demo/run-job', {}, admin);
    const anonymous = await control(demo, 'GET', '/demo/mail', undefined);
    expect(anonymous.status).toBe(401);
    expect(anonymous.text).not.toContain('@example.org');
    const own = await control(demo, 'GET', '/demo/mail', undefined, admin);
    expect(own.status).toBe(200);
    expect(own.json.mail[0].to).toEqual(['admin@example.org', 'jane.doe@example.org']);
  });
});

describe('AuthxCredential.create takes ttl as core does', () => {
  const exp = (cred: string) => JSON.parse(Buffer.from(cred.replace(/^Bearer /, '').split('.')[1], 'base64url').toString()).exp;

  it('casts a numeric ttl to an integer (12.5 and "12.5" are 12 seconds), as core sets an int parameter', async () => {
    for (const ttl of [12.5, '12.5', ' 12 ']) {
      const before = Math.floor(Date.now() / 1000);
      const answer = await api4(demo, 'AuthxCredential', 'create', { contactId: JANE, ttl }, { cookie: admin });
      expect(answer.status, `${JSON.stringify(ttl)}: ${answer.text}`).toBe(200);
      expect(exp(answer.json.values[0].cred) - before).toBeGreaterThanOrEqual(12);
      expect(exp(answer.json.values[0].cred) - before).toBeLessThanOrEqual(13);
    }
  });

  it('has no minimum or maximum: 0 and -5 make a token authx refuses as expired, 999999 one that works', async () => {
    for (const ttl of [0, -5]) {
      const answer = await api4(demo, 'AuthxCredential', 'create', { contactId: JANE, ttl }, { cookie: admin });
      expect(answer.status).toBe(200);
      const refused = await authxId(demo, { 'X-Civi-Auth': answer.json.values[0].cred });
      expect([refused.status, refused.text]).toEqual([401, 'HTTP 401 Expired token']);
    }
    const long = await api4(demo, 'AuthxCredential', 'create', { contactId: JANE, ttl: 999999 }, { cookie: admin });
    expect(long.status).toBe(200);
    expect((await authxId(demo, { 'X-Civi-Auth': long.json.values[0].cred })).json).toMatchObject({ contact_id: JANE, cred: 'jwt' });
    const word = await api4(demo, 'AuthxCredential', 'create', { contactId: JANE, ttl: 'ten' }, { cookie: admin });
    expect(word.status).toBe(500);
  });
});
