// Temporary tokens in the demo, over HTTP, against wire 43-45: AuthxCredential.create issues a
// signed JWT for `generate any authx credential` only; authx accepts it (cred "jwt", past the
// guards) until exp and refuses it after; the site can lose its signing key; the audit trail.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { api4, authxId, control, logIn, type InProcessDemo, useInProcessDemo } from './support/demoClient';

let demo: InProcessDemo;
let admin: string;

useInProcessDemo((started) => ({ demo, admin } = started), { fresh: 'each' });

const wire = (name: string) => readFileSync(new URL(`../../../shared/civicrm/wire/${name}`, import.meta.url), 'utf8');
const wireBody = (name: string) => wire(name).split('\n\n').at(-1)!.trim();
const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
const stored = () => JSON.parse(readFileSync(demo.dataFile, 'utf8'));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function createToken(params: object, cookie = admin) {
  return api4(demo, 'AuthxCredential', 'create', params, { cookie });
}

async function tokenFor(contactId: number, ttl: number): Promise<string> {
  const answer = await createToken({ contactId, ttl });
  expect(answer.status).toBe(200);
  return /^Bearer (.+)$/.exec(answer.json.values[0].cred)![1];
}

describe('AuthxCredential.create (wire 43)', () => {
  it('answers in the shape CiviCRM does: one cred "Bearer <JWT>"', async () => {
    const answer = await createToken({ contactId: 3, ttl: 600 });
    const real = JSON.parse(wireBody('43-api4-AuthxCredential-create-jwt-admin.txt'));
    expect(answer.status).toBe(200);
    expect(answer.contentType).toBe('application/json');
    expect(Object.keys(answer.json)).toEqual(Object.keys(real));
    expect({ ...answer.json, values: null }).toEqual({ ...real, values: null });
    expect(Object.keys(answer.json.values[0])).toEqual(['cred']);
    expect(answer.json.values[0].cred).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it('the JWT: header and claims as core writes them, exp = now + ttl, HS256 over the first two parts', async () => {
    const before = Math.floor(Date.now() / 1000);
    const jwt = await tokenFor(3, 900);
    const after = Math.floor(Date.now() / 1000);
    const [header, payload, signature] = jwt.split('.');
    const realJwt = /Bearer ([^"]+)/.exec(wireBody('43-api4-AuthxCredential-create-jwt-admin.txt'))![1];
    const [realHeader, realPayload] = realJwt.split('.').map((part, index) => (index < 2 ? decode(part) : part));
    expect(Object.keys(decode(header))).toEqual(Object.keys(realHeader));
    expect(decode(header)).toMatchObject({ typ: 'JWT', alg: 'HS256' });
    expect(decode(header).kid).toMatch(/^[\w-]{27}$/);
    expect(Object.keys(decode(payload))).toEqual(Object.keys(realPayload));
    const claims = decode(payload);
    expect(claims).toMatchObject({ sub: 'cid:3', scope: 'authx' });
    expect(claims.exp).toBeGreaterThanOrEqual(before + 900);
    expect(claims.exp).toBeLessThanOrEqual(after + 900);
    // Signed with the demo's secret (its stand-in for CIVICRM_SIGN_KEYS), as HS256 is defined.
    const secret = stored().tokens.secret;
    expect(signature).toBe(createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url'));
  });

  it.each([
    [900, 900],
    [3600, 3600],
    [28800, 28800],
    [undefined, 300],
  ])('ttl %s gives a token of %i seconds (core: default 300, no maximum)', async (ttl, seconds) => {
    const answer = await createToken(ttl === undefined ? { contactId: 3 } : { contactId: 3, ttl });
    const claims = decode(answer.json.values[0].cred.split('.')[1]);
    expect(Math.abs(claims.exp - Math.floor(Date.now() / 1000) - seconds)).toBeLessThanOrEqual(1);
  });

  it('without contactId: an error, no token', async () => {
    const answer = await createToken({ ttl: 900 });
    expect(answer.status).toBe(500);
    expect(answer.json.values).toBeUndefined();
  });
});

describe('the permission (wire 45)', () => {
  it.each(['self', 'staff'] as const)('%s (no "generate any authx credential") gets the generic 403 and no token', async (user) => {
    const cookie = await logIn(demo, user);
    const answer = await createToken({ contactId: 3, ttl: 600 }, cookie);
    const real = JSON.parse(wireBody('45-api4-AuthxCredential-create-DENIED-without-permission.txt'));
    expect(answer.status).toBe(403);
    expect(Object.keys(answer.json)).toEqual(Object.keys(real));
    expect(answer.json.error_message).toMatch(/^Sorry an error occurred and your request was not completed\. \(Error ID: [\w-]+\)$/);
    expect(answer.text).not.toContain('Bearer');
    expect(stored().tokens?.activities ?? []).toEqual([]);
  });

  it('without a session: 403 too', async () => {
    const answer = await api4(demo, 'AuthxCredential', 'create', { contactId: 3, ttl: 600 });
    expect(answer.status).toBe(403);
  });

  it('the page passes the binding: {"signing": true} to admin, null to the others', async () => {
    const page = async (user: string, cid: number) => (await (await fetch(new URL(`/?user=${user}&cid=${cid}`, demo.url))).text());
    expect(await page('admin', 3)).toContain('token="{&quot;signing&quot;:true}"');
    // Kim sees the tab on her own contact, without the permission: no binding.
    expect(await page('self', 5)).toContain('token="null"');
  });
});

describe('authx and the token', () => {
  it('accepts it without cookies or site key, past the guards that refuse the same contact’s api_key (wire 44 vs 32)', async () => {
    const jwt = await tokenFor(3, 600);
    const answer = await authxId(demo, { 'X-Civi-Auth': `Bearer ${jwt}` });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual(JSON.parse(wireBody('44-GET-authx-id-jwt-of-contact-without-user.txt')));
  });

  it('a token of the administrator authenticates as the administrator’s user', async () => {
    const jwt = await tokenFor(2, 600);
    expect((await authxId(demo, { 'X-Civi-Auth': `Bearer ${jwt}` })).json).toEqual({ contact_id: 2, user_id: 1, flow: 'xheader', cred: 'jwt' });
  });

  it('the curl example works with it: a stateless APIv4 call as that contact', async () => {
    const jwt = await tokenFor(2, 600);
    const response = await fetch(new URL('/civicrm/ajax/api4/Contact/get', demo.url), {
      method: 'POST',
      headers: { 'X-Civi-Auth': `Bearer ${jwt}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ params: JSON.stringify({ select: ['id', 'display_name'], limit: 1 }) }),
    });
    expect(response.status).toBe(200);
    expect((await response.json()).values).toHaveLength(1);
  });

  it('refuses it once exp has come: "HTTP 401 Expired token", as core does', async () => {
    const jwt = await tokenFor(3, 1);
    expect((await authxId(demo, { 'X-Civi-Auth': `Bearer ${jwt}` })).status).toBe(200);
    const exp = decode(jwt.split('.')[1]).exp;
    await sleep(exp * 1000 - Date.now() + 50);
    const answer = await authxId(demo, { 'X-Civi-Auth': `Bearer ${jwt}` });
    expect(answer.status).toBe(401);
    expect(answer.text).toBe('HTTP 401 Expired token');
  });

  it('ttl 0 is expired at once', async () => {
    const jwt = await tokenFor(3, 0);
    expect((await authxId(demo, { 'X-Civi-Auth': `Bearer ${jwt}` })).text).toBe('HTTP 401 Expired token');
  });

  it.each([
    ['a changed claim', (jwt: string) => jwt.replace(/\.[^.]+\./, `.${Buffer.from('{"exp":9999999999,"sub":"cid:2","scope":"authx"}').toString('base64url')}.`)],
    ['a changed signature', (jwt: string) => `${jwt.slice(0, -2)}${jwt.endsWith('AA') ? 'BB' : 'AA'}`],
    ['no signature', (jwt: string) => jwt.split('.').slice(0, 2).join('.') + '.'],
  ])('%s: "Invalid credential"', async (_name, tamper) => {
    const jwt = await tokenFor(3, 600);
    const answer = await authxId(demo, { 'X-Civi-Auth': `Bearer ${tamper(jwt)}` });
    expect(answer.status).toBe(401);
    expect(answer.text).toBe('HTTP 401 Invalid credential');
  });

  it('rotating the contact’s api_key does not end it', async () => {
    const jwt = await tokenFor(3, 600);
    await api4(demo, 'Contact', 'update', { where: [['id', '=', 3]], values: { api_key: 'Ab3xQ9rT7mK2pL8vN4wZ6yH1jF5dS0cX' } }, { cookie: admin });
    await api4(demo, 'Contact', 'update', { where: [['id', '=', 3]], values: { api_key: null } }, { cookie: admin });
    expect((await authxId(demo, { 'X-Civi-Auth': `Bearer ${jwt}` })).json.cred).toBe('jwt');
  });
});

describe('a site without a signing key (POST /demo/signing)', () => {
  beforeEach(async () => {
    expect((await control(demo, 'POST', '/demo/signing', { enabled: false }, admin)).status).toBe(200);
  });

  it('create fails as CiviCRM does: 500, the real text only for `view debug output`', async () => {
    const answer = await createToken({ contactId: 3, ttl: 900 });
    expect(answer.status).toBe(500);
    expect(answer.json.error_message).toBe('Failed to find key by ID or tag (SIGN)');
    expect(stored().tokens.activities).toEqual([]);
  });

  it('the page says so in the binding, and tokens signed before no longer check out', async () => {
    expect((await control(demo, 'POST', '/demo/signing', { enabled: true }, admin)).status).toBe(200);
    const jwt = await tokenFor(3, 600);
    await control(demo, 'POST', '/demo/signing', { enabled: false }, admin);
    expect((await authxId(demo, { 'X-Civi-Auth': `Bearer ${jwt}` })).text).toBe('HTTP 401 Invalid credential');
    const html = await (await fetch(new URL('/?user=admin&cid=3', demo.url), { headers: { Cookie: admin } })).text();
    expect(html).toContain('token="{&quot;signing&quot;:false}"');
  });

  it('only the administrator may switch it, with a boolean', async () => {
    const staff = await logIn(demo, 'staff');
    expect((await control(demo, 'POST', '/demo/signing', { enabled: true }, staff)).status).toBe(403);
    expect((await control(demo, 'POST', '/demo/signing', { enabled: 'yes' }, admin)).status).toBe(400);
    expect((await control(demo, 'POST', '/demo/signing', { enabled: true })).status).toBe(401);
    expect((await control(demo, 'GET', '/demo/signing', undefined, admin)).status).toBe(405);
  });

  it('survives a restart', async () => {
    await demo.restart();
    expect((await createToken({ contactId: 3, ttl: 900 })).status).toBe(500);
  });
});

describe('the audit trail', () => {
  it('records "Temporary token issued (valid until ...)" on the contact, by whom, never the token', async () => {
    const jwt = await tokenFor(3, 3600);
    const exp = decode(jwt.split('.')[1]).exp;
    const until = new Date(exp * 1000).toISOString().slice(0, 19).replace('T', ' ');
    expect(stored().tokens.activities).toEqual([
      { id: 1, subject: `Temporary token issued (valid until ${until})`, date: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/), sourceContactId: 2, targetContactId: 3 },
    ]);
    const file = readFileSync(demo.dataFile, 'utf8');
    for (const part of jwt.split('.').slice(1)) expect(file).not.toContain(part);
    expect(demo.logLines.join('\n')).not.toContain(jwt.split('.')[2]);
  });

  it('is not a key change: "Last changed" and the key-change activities stay as they were', async () => {
    await tokenFor(3, 900);
    expect(stored().activities).toEqual([]);
  });

  it('and the tokens keep working after a restart (the signing key is in the data file)', async () => {
    const jwt = await tokenFor(3, 600);
    await demo.restart();
    expect((await authxId(demo, { 'X-Civi-Auth': `Bearer ${jwt}` })).json.cred).toBe('jwt');
    expect(stored().tokens.activities).toHaveLength(1);
  });
});
