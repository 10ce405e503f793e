// Fault injection (POST /demo/faults) and the request counter (GET /demo/requests).
import { beforeEach, describe, expect, it } from 'vitest';
import { api4, authxId, control, type InProcessDemo, logIn, startInProcessDemo, useInProcessDemo } from './support/demoClient';

const SENT_KEY = 'FaultyFaultyFaultyFaultyFaulty12';
const GENERIC_ERROR = /^Sorry an error occurred and your request was not completed\. \(Error ID: \w{4}-\w{4}-\w{4}\)$/;

let demo: InProcessDemo;
let admin: string;

useInProcessDemo((started) => ({ demo, admin } = started));
beforeEach(async () => {
  await control(demo, 'DELETE', '/demo/faults', undefined, admin);
  await control(demo, 'POST', '/demo/set-key', { cid: 3, api_key: null }, admin);
});

const arm = (body: object, cookie = admin) => control(demo, 'POST', '/demo/faults', body, cookie);
const update = (apiKey: string | null, cookie = admin) => api4(demo, 'Contact', 'update', { where: [['id', '=', 3]], values: { api_key: apiKey } }, { cookie });
const get = (cookie = admin) => api4(demo, 'Contact', 'get', { select: ['id', 'api_key'], where: [['id', '=', 3]] }, { cookie });

describe('each fault, armed for one call', () => {
  it('network: the connection drops without an answer, and nothing is saved', async () => {
    await arm({ fault: 'network' });
    await expect(update(SENT_KEY)).rejects.toThrow(TypeError);
    expect((await get()).json.values[0].api_key).toBeNull();
  });

  it('403: the generic refusal CiviCRM gives', async () => {
    await arm({ fault: '403' });
    const answer = await update(SENT_KEY);
    expect(answer.status).toBe(403);
    expect(answer.json).toMatchObject({ error_code: '1', status: 403 });
    expect(answer.json.error_message).toMatch(GENERIC_ERROR);
    expect((await get()).json.values[0].api_key).toBeNull();
  });

  it('500: the generic error with an error id', async () => {
    await arm({ fault: '500' });
    const answer = await update(SENT_KEY);
    expect(answer.status).toBe(500);
    expect(answer.json.status).toBe(500);
    expect(answer.json.error_message).toMatch(GENERIC_ERROR);
  });

  it('html: a 500 whose body is a page, not JSON', async () => {
    await arm({ fault: 'html' });
    const answer = await get();
    expect(answer.status).toBe(500);
    expect(answer.contentType).toMatch(/^text\/html/);
    expect(answer.json).toBeUndefined();
  });

  it('altered: the update is saved, but with another value than the one sent, and echoed so', async () => {
    await arm({ fault: 'altered' });
    const answer = await update(SENT_KEY);
    expect(answer.status).toBe(200);
    const echoed = answer.json.values[0].api_key;
    expect(echoed).not.toBe(SENT_KEY);
    expect(echoed).toHaveLength(SENT_KEY.length);
    expect((await get()).json.values[0].api_key).toBe(echoed);
  });

  it('altered: a revocation leaves a key in place', async () => {
    await arm({ fault: 'altered' });
    const answer = await update(null);
    expect(answer.json.values[0].api_key).toEqual(expect.any(String));
  });

  it('altered waits for an update: a get before it is answered truthfully', async () => {
    await control(demo, 'POST', '/demo/set-key', { cid: 3, api_key: SENT_KEY }, admin);
    await arm({ fault: 'altered' });
    expect((await get()).json.values[0].api_key).toBe(SENT_KEY);
    expect((await update(SENT_KEY)).json.values[0].api_key).not.toBe(SENT_KEY);
  });

  it('slow: answers normally after the configured delay', async () => {
    await arm({ fault: 'slow', delayMs: 400 });
    const started = performance.now();
    const answer = await update(SENT_KEY);
    expect(performance.now() - started).toBeGreaterThanOrEqual(390);
    expect(answer.status).toBe(200);
    expect(answer.json.values[0].api_key).toBe(SENT_KEY);
  });

  it('slow: defaults to 12 seconds', async () => {
    const armed = await arm({ fault: 'slow' });
    expect(armed.json.armed.delayMs).toBe(12_000);
  });

  it('deleted: the 500 CiviCRM gives for a contact that is gone', async () => {
    await arm({ fault: 'deleted' });
    const answer = await update(SENT_KEY);
    expect(answer.status).toBe(500);
    expect(answer.json).toEqual({ error_code: 0, error_message: 'Expected one Contact but found 0', status: 500 });
  });

  it('loggedout: 200 with no values, as for a call without a session', async () => {
    await arm({ fault: 'loggedout' });
    const answer = await get();
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ values: [], entity: 'Contact', action: 'get', count: 0 });
  });
});

describe('arming', () => {
  it('lasts exactly `times` calls', async () => {
    await arm({ fault: '403', times: 2 });
    expect((await get()).status).toBe(403);
    expect((await get()).status).toBe(403);
    expect((await get()).status).toBe(200);
  });

  it('with an action, lets other actions through and spends itself on that one', async () => {
    await arm({ fault: '500', action: 'update' });
    expect((await get()).status).toBe(200);
    expect((await update(SENT_KEY)).status).toBe(500);
    expect((await update(SENT_KEY)).status).toBe(200);
  });

  it('is undone by DELETE /demo/faults', async () => {
    await arm({ fault: '403' });
    await control(demo, 'DELETE', '/demo/faults', undefined, admin);
    expect((await get()).status).toBe(200);
  });

  it('affects only the session that armed it', async () => {
    const otherAdmin = await logIn(demo, 'admin');
    await arm({ fault: '403' });
    expect((await get(otherAdmin)).status).toBe(200);
    expect((await get(admin)).status).toBe(403);
  });

  it('needs a session and X-Requested-With, and a known fault', async () => {
    expect((await arm({ fault: '403' }, '')).status).toBe(401);
    const withoutAjaxHeader = await fetch(new URL('/demo/faults', demo.url), {
      method: 'POST',
      headers: { Cookie: admin, 'Content-Type': 'application/json' },
      body: JSON.stringify({ fault: '403' }),
    });
    expect(withoutAjaxHeader.status).toBe(400);
    expect((await arm({ fault: 'gremlins' })).status).toBe(400);
    expect((await arm({ fault: '403', times: 0 })).status).toBe(400);
    expect((await get()).status).toBe(200);
  });

  it('a slow call pending does not keep the server from closing', async () => {
    const own = await startInProcessDemo();
    const cookie = await logIn(own, 'admin');
    await control(own, 'POST', '/demo/faults', { fault: 'slow', delayMs: 60_000 }, cookie);
    const pending = api4(own, 'Contact', 'get', {}, { cookie }).catch((error: unknown) => error);
    // Only once the server holds the call does closing it test anything.
    await expect.poll(async () => (await control(own, 'GET', '/demo/requests', undefined)).json.counts['Contact.get']).toBe(1);
    const started = performance.now();
    await own.dispose();
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(await pending).toBeInstanceOf(TypeError);
  });
});

describe('the request counter', () => {
  it('counts api4 calls by entity and action, and authx calls, since the last reset', async () => {
    await control(demo, 'DELETE', '/demo/requests', undefined);
    await get();
    await get();
    await update(SENT_KEY);
    await api4(demo, 'Contact', 'get', {}, { ajax: false });
    await authxId(demo, { 'X-Civi-Auth': `Bearer ${SENT_KEY}` });
    await arm({ fault: 'network' });
    await get().catch(() => undefined);

    const counted = await fetch(new URL('/demo/requests', demo.url)).then((response) => response.json());
    expect(counted).toEqual({ counts: { 'Contact.get': 4, 'Contact.update': 1, 'authx.id': 1 } });

    await control(demo, 'DELETE', '/demo/requests', undefined);
    expect(await fetch(new URL('/demo/requests', demo.url)).then((response) => response.json())).toEqual({ counts: {} });
  });
});
