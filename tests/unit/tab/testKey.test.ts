// Test key and the usage help, on the tab.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mountTab, type MountedTab } from '../support/mount';

let tab: MountedTab;
const KEY = 'adminkeyadminkeyadminkeyadminkey';

afterEach(() => {
  tab?.destroy();
  vi.unstubAllGlobals();
});

function authx(status: number, body: string) {
  const fetch = vi.fn(() => Promise.resolve(new Response(body, { status })));
  vi.stubGlobal('fetch', fetch);
  return fetch;
}

describe('Test key', () => {
  it('while masked: fetches the key once, tests it without cookies, and says it works', async () => {
    const fetch = authx(200, '{"contact_id":2,"user_id":1,"flow":"xheader","cred":"api_key"}');
    tab = await mountTab({ contactId: 2, hasKey: true, canView: true, keyHint: 'nkey' });
    await tab.click('Test key');
    expect(tab.civi.calls.map((call) => call.action)).toEqual(['get']);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect((fetch.mock.calls[0] as unknown as [string, RequestInit])[1].credentials).toBe('omit');
    expect(tab.status()).toContain('This key works: it authenticates as contact 2.');
    expect(tab.element.outerHTML).not.toContain(KEY);
    expect(document.activeElement).toBe(tab.button('Test key'));
  });

  it('right after generating: tests the key on screen without fetching it', async () => {
    const fetch = authx(200, '{"contact_id":3,"user_id":null,"flow":"xheader","cred":"api_key"}');
    tab = await mountTab({ contactId: 3, hasKey: false, canView: true });
    await tab.click('Generate key');
    await tab.click('Test key');
    expect(tab.civi.calls.map((call) => call.action)).toEqual(['update']);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(tab.status()).toContain('contact 3');
  });

  it.each([
    [401, 'HTTP 401 Invalid credential', 'does not know this key'],
    [401, 'HTTP 401 Login not permitted. Must satisfy guard (site_key, perm).', 'authenticate with api key'],
    [200, '{"contact_id":2,"user_id":1,"flow":"already-logged-in","cred":"already-logged-in"}', 'for your own login, not for the key'],
    [200, '{"contact_id":9,"user_id":1,"flow":"xheader","cred":"api_key"}', 'logs in as contact 9'],
    [500, '<html>', 'Unexpected answer (HTTP 500)'],
  ])('explains HTTP %i %s, never as success', async (status, body, message) => {
    authx(status, body);
    tab = await mountTab({ contactId: 2, hasKey: true, canView: true, keyHint: 'nkey' });
    await tab.click('Test key');
    expect(tab.alert()).toContain('This key does not work yet.');
    expect(tab.alert()).toContain(message);
    expect(tab.status()).not.toContain('works');
  });

  it('a network failure says the key could not be tested', async () => {
    vi.stubGlobal('fetch', vi.fn(() => Promise.reject(new TypeError('Failed to fetch'))));
    tab = await mountTab({ contactId: 2, hasKey: true, canView: true, keyHint: 'nkey' });
    await tab.click('Test key');
    expect(tab.alert()).toContain('The key could not be tested.');
  });

  it('is not offered to a viewer who cannot read the key', async () => {
    tab = await mountTab({ contactId: 5, hasKey: true, canView: false });
    expect(tab.buttons()).not.toContain('Test key');
  });
});

describe('How to use this key', () => {
  it('is collapsed at first, then shows the absolute APIv4 URL and a curl example with a placeholder', async () => {
    tab = await mountTab({ contactId: 2, hasKey: true, canView: true, keyHint: 'nkey' });
    const details = tab.element.querySelector('details')!;
    expect(details.open).toBe(false);
    expect(details.querySelector('summary')!.textContent).toContain('How to use this key');
    details.open = true;
    const url = new URL('/civicrm/ajax/api4/Contact/get', window.location.href).href;
    expect(details.textContent).toContain(url);
    const example = details.querySelector('pre')!.textContent!;
    expect(example).toContain("X-Civi-Auth: Bearer YOUR_API_KEY");
    expect(details.textContent).toContain('authenticate with api key');
    expect(details.textContent).toContain('X-Civi-Key');
    expect(tab.civi.calls).toEqual([]);
  });

  it('fills in the real key only while it is on screen', async () => {
    tab = await mountTab({ contactId: 2, hasKey: true, canView: true, keyHint: 'nkey' });
    await tab.click('Show key');
    expect(tab.element.querySelector('pre')!.textContent).toContain(`Bearer ${KEY}`);
    await tab.click('Hide key');
    expect(tab.element.querySelector('pre')!.textContent).toContain('Bearer YOUR_API_KEY');
    expect(tab.element.outerHTML).not.toContain(KEY);
  });

  it('Copy example copies the example as shown', async () => {
    const writeText = vi.fn(() => Promise.resolve());
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
    tab = await mountTab({ contactId: 2, hasKey: true, canView: true, keyHint: 'nkey' });
    tab.element.querySelector('details')!.open = true;
    await tab.click('Copy example');
    expect(writeText).toHaveBeenCalledWith(tab.element.querySelector('pre')!.textContent);
    expect(tab.status()).toContain('Example copied.');
  });
});
