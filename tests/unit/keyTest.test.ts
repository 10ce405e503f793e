// Test key asks authx who the key logs in as, the way an outside system would (wire 30-34).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { testApiKey } from '../../src/shared/keyTest';

const KEY = 'adminkeyadminkeyadminkeyadminkey';

function answer(status: number, body: string) {
  return vi.fn(() => Promise.resolve(new Response(body, { status })));
}

beforeEach(() => {
  (globalThis as any).CRM = { url: (path: string, _query: unknown, mode: string) => (mode === 'front' ? `/front/${path}` : `/wp-admin/${path}`) };
});
afterEach(() => vi.unstubAllGlobals());

describe('testApiKey', () => {
  it('calls the front-end civicrm/authx/id with the key in X-Civi-Auth and no cookies', async () => {
    const fetch = answer(200, '{"contact_id":2,"user_id":1,"flow":"xheader","cred":"api_key"}');
    vi.stubGlobal('fetch', fetch);
    await testApiKey(KEY, 2);
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe(new URL('/front/civicrm/authx/id', window.location.href).href);
    expect(url).not.toContain(KEY);
    expect(init.credentials).toBe('omit');
    expect(init.headers).toEqual({ 'X-Civi-Auth': `Bearer ${KEY}` });
  });

  it.each([
    [200, '{"contact_id":2,"user_id":1,"flow":"xheader","cred":"api_key"}', { outcome: 'works', contactId: 2 }],
    [200, '{"contact_id":7,"user_id":4,"flow":"xheader","cred":"api_key"}', { outcome: 'otherContact', contactId: 7 }],
    [200, '{"contact_id":2,"user_id":1,"flow":"already-logged-in","cred":"already-logged-in"}', { outcome: 'sessionAnswered' }],
    [401, 'HTTP 401 Invalid credential', { outcome: 'unknownKey' }],
    [401, 'HTTP 401 Login not permitted. Must satisfy guard (site_key, perm).', { outcome: 'guardRefused' }],
    [404, '<html>Not found</html>', { outcome: 'unexpected', status: 404 }],
    [200, '<html>a login page</html>', { outcome: 'unexpected', status: 200 }],
    [200, '{"contact_id":2,"cred":"jwt"}', { outcome: 'unexpected', status: 200 }],
    [200, 'null', { outcome: 'unexpected', status: 200 }],
  ])('reads HTTP %i %s', async (status, body, result) => {
    vi.stubGlobal('fetch', answer(status, body));
    await expect(testApiKey(KEY, 2)).resolves.toEqual(result);
  });

  it('reports an answer cut off while its body was read as unreachable, never as nothing', async () => {
    const broken = new Response('{"contact_id":2,"cred":"api_key"}', { status: 200 });
    vi.spyOn(broken, 'text').mockRejectedValue(new TypeError('network error'));
    vi.stubGlobal('fetch', vi.fn(() => Promise.resolve(broken)));
    await expect(testApiKey(KEY, 2)).resolves.toEqual({ outcome: 'unreachable' });
  });

  it('reports a network failure, never success', async () => {
    vi.stubGlobal('fetch', vi.fn(() => Promise.reject(new TypeError('Failed to fetch'))));
    await expect(testApiKey(KEY, 2)).resolves.toEqual({ outcome: 'unreachable' });
  });
});
