// The server as an HTTP server: what it serves, what it refuses, and what it writes to its log.
import { describe, expect, it } from 'vitest';
import { api4, authxId, control, type InProcessDemo, logIn, rawGet, siteKeyOf, useInProcessDemo } from './support/demoClient';

let demo: InProcessDemo;
let admin: string;

useInProcessDemo((started) => ({ demo, admin } = started));

describe('static files', () => {
  it.each(['/assets/jquery.min.js', '/assets/angular.min.js', '/demo/crm-runtime.js', '/demo/demo-page.js', '/demo/demo.css'])('serves %s', async (path) => {
    const answer = await rawGet(demo, path);
    expect(answer.status).toBe(200);
    expect(answer.body.length).toBeGreaterThan(100);
  });

  it.each([
    '/js/../../etc/passwd',
    '/js/..%2f..%2fetc%2fpasswd',
    '/js/%2e%2e/%2e%2e/etc/passwd',
    '/assets/..%2F..%2Fpackage.json',
    '/demo/../package.json',
    '/demo/public/crm-runtime.js',
    '/node_modules/jquery/dist/jquery.min.js',
    '/.demo-data/demo.json',
    '//etc/passwd',
    '/js/crmApiKey.js%00.txt',
  ])('answers 404 to %s', async (path) => {
    const answer = await rawGet(demo, path);
    expect(answer.status).toBe(404);
    expect(answer.body).not.toMatch(/root:|"siteKey"|"devDependencies"/);
  });
});

describe('methods and limits', () => {
  it('answers 405 with Allow to OPTIONS and GET on the API', async () => {
    for (const method of ['OPTIONS', 'GET', 'PUT']) {
      const response = await fetch(new URL('/civicrm/ajax/api4/Contact/get', demo.url), { method });
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('POST');
    }
    expect((await fetch(new URL('/', demo.url), { method: 'DELETE' })).status).toBe(405);
  });

  it('answers 404 to unknown paths', async () => {
    expect((await rawGet(demo, '/civicrm/contact/search')).status).toBe(404);
    expect((await rawGet(demo, '/demo/nothing')).status).toBe(404);
  });

  it('refuses a body over 64 KiB with 413', async () => {
    const answer = await api4(demo, 'Contact', 'get', { padding: 'x'.repeat(70_000) }, { cookie: admin });
    expect(answer.status).toBe(413);
  });

  it('treats an unknown or forged session cookie as no session', async () => {
    const answer = await api4(demo, 'Contact', 'get', { select: ['id'] }, { cookie: `SESSCIVISO=${'0'.repeat(64)}` });
    expect(answer.json.values).toEqual([]);
  });
});

describe('the demo controls', () => {
  it('let only an administrator change a key behind the tab’s back', async () => {
    const self = await logIn(demo, 'self');
    expect((await control(demo, 'POST', '/demo/set-key', { cid: 3, api_key: 'BehindTheBack1234' }, self)).status).toBe(403);
    expect((await control(demo, 'POST', '/demo/set-key', { cid: 3, api_key: 'x'.repeat(33) }, admin)).status).toBe(400);
    const set = await control(demo, 'POST', '/demo/set-key', { cid: 3, api_key: 'BehindTheBack1234' }, admin);
    expect(set.json).toEqual({ contact_id: 3, has_key: true });
    const read = await api4(demo, 'Contact', 'get', { select: ['api_key'], where: [['id', '=', 3]] }, { cookie: admin });
    expect(read.json.values[0].api_key).toBe('BehindTheBack1234');
  });
});

describe('api_key in where, for a viewer who may not read keys', () => {
  it('is dropped without an error, as CiviCRM drops a field the viewer may not see: every contact, so nothing is learnt', async () => {
    await control(demo, 'POST', '/demo/set-key', { cid: 2, api_key: 'ProbeProbeProbeProbe' }, admin);
    const self = await logIn(demo, 'self');
    const probe = await api4(demo, 'Contact', 'get', { select: ['id', 'api_key'], where: [['api_key', '=', 'ProbeProbeProbeProbe']] }, { cookie: self });
    expect(probe.status).toBe(200);
    const wrong = await api4(demo, 'Contact', 'get', { select: ['id', 'api_key'], where: [['api_key', '=', 'NotAnyoneSKeyAtAll0']] }, { cookie: self });
    // The same answer for the right key and a wrong one, and no key in either.
    expect(wrong.json.values).toEqual(probe.json.values);
    expect(probe.json.values.length).toBeGreaterThan(1);
    expect(probe.text).not.toContain('ProbeProbe');
  });

  it('works for a reader (the uniqueness check)', async () => {
    await control(demo, 'POST', '/demo/set-key', { cid: 2, api_key: 'SharedSharedShared12' }, admin);
    const check = await api4(
      demo,
      'Contact',
      'get',
      { select: ['id'], where: [['api_key', '=', 'SharedSharedShared12'], ['id', '!=', 3]] },
      { cookie: admin },
    );
    expect(check.json.values).toEqual([{ id: 2 }]);
  });
});

describe('authx', () => {
  it('answers for the lowest contact id when two contacts share a key', async () => {
    const shared = 'TwoContactsOneKeyTwoContactsOne1';
    await control(demo, 'POST', '/demo/set-key', { cid: 5, api_key: shared }, admin);
    await control(demo, 'POST', '/demo/set-key', { cid: 4, api_key: shared }, admin);
    await control(demo, 'POST', '/demo/authx-grant', { cid: 4, granted: true }, admin);
    const answer = await authxId(demo, { 'X-Civi-Auth': `Bearer ${shared}` });
    expect(answer.json).toEqual({ contact_id: 4, user_id: 2, flow: 'xheader', cred: 'api_key' });
  });

  it('follows the grant of "authenticate with api key", or the site key', async () => {
    const kimKey = 'KimKeyKimKeyKimKeyKimKeyKimKey12';
    await control(demo, 'POST', '/demo/set-key', { cid: 5, api_key: kimKey }, admin);
    await control(demo, 'POST', '/demo/authx-grant', { cid: 5, granted: false }, admin);
    const refused = await authxId(demo, { 'X-Civi-Auth': `Bearer ${kimKey}` });
    expect(refused.status).toBe(401);
    expect(refused.text).toBe('HTTP 401 Login not permitted. Must satisfy guard (site_key, perm).');

    const withSiteKey = await authxId(demo, { 'X-Civi-Auth': `Bearer ${kimKey}`, 'X-Civi-Key': siteKeyOf(demo) });
    expect(withSiteKey.json).toEqual({ contact_id: 5, user_id: 3, flow: 'xheader', cred: 'api_key' });
    const withWrongSiteKey = await authxId(demo, { 'X-Civi-Auth': `Bearer ${kimKey}`, 'X-Civi-Key': 'not-the-site-key' });
    expect(withWrongSiteKey.status).toBe(401);

    await control(demo, 'POST', '/demo/authx-grant', { cid: 5, granted: true }, admin);
    expect((await authxId(demo, { 'X-Civi-Auth': `Bearer ${kimKey}` })).status).toBe(200);
  });

  it('lets a contact without a user account in with the site key only', async () => {
    const janeKey = 'JaneJaneJaneJaneJaneJaneJane1234';
    await control(demo, 'POST', '/demo/set-key', { cid: 3, api_key: janeKey }, admin);
    expect((await authxId(demo, { 'X-Civi-Auth': `Bearer ${janeKey}` })).status).toBe(401);
    const answer = await authxId(demo, { 'X-Civi-Auth': `Bearer ${janeKey}`, 'X-Civi-Key': siteKeyOf(demo) });
    expect(answer.json).toEqual({ contact_id: 3, user_id: null, flow: 'xheader', cred: 'api_key' });
  });
});

describe('an APIv4 call authenticated by its key alone (the curl example)', () => {
  it('acts as the key’s user without a session or X-Requested-With', async () => {
    const adminKey = 'CurlCurlCurlCurlCurlCurlCurlCurl';
    await control(demo, 'POST', '/demo/set-key', { cid: 2, api_key: adminKey }, admin);
    const response = await fetch(new URL('/civicrm/ajax/api4/Contact/get', demo.url), {
      method: 'POST',
      headers: { 'X-Civi-Auth': `Bearer ${adminKey}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ params: JSON.stringify({ select: ['id', 'api_key'], where: [['id', '=', 2]] }) }),
    });
    expect(response.status).toBe(200);
    expect((await response.json()).values).toEqual([{ id: 2, api_key: adminKey }]);
  });
});

describe('the log', () => {
  it('has the method, path and status of requests, and never a key, a query or a body', async () => {
    const secret = 'NeverLogMeNeverLogMeNeverLogMe12';
    await api4(demo, 'Contact', 'update', { where: [['id', '=', 3]], values: { api_key: secret } }, { cookie: admin });
    await authxId(demo, { 'X-Civi-Auth': `Bearer ${secret}` });
    await fetch(new URL(`/?user=admin&cid=3&note=${secret}`, demo.url)).then((response) => response.text());
    const log = demo.logLines.join('\n');
    expect(log).toContain('POST /civicrm/ajax/api4/Contact/update 200');
    expect(log).toContain('GET / 200');
    expect(log).not.toContain(secret);
    expect(log).not.toContain('NeverLogMe');
    expect(log).not.toContain('?');
  });
});
