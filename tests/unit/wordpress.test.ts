// On WordPress the back-end form of a CiviCRM URL sits behind the WordPress login (wire 47: 302 to
// wp-login.php before CiviCRM runs); authx and APIv4 with a key work on the front-end form only
// (wire 46, 48). What the tab builds for outside use (Test key, the API address, the curl example)
// is checked here against the captures, through a CRM.url that answers as CiviCRM does on WordPress.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { testApiKey } from '../../src/shared/keyTest';
import { curlExample, frontUrl } from '../../src/shared/usage';

// A string, not `new URL(...)`: under jsdom, URL is jsdom's class, which fileURLToPath refuses.
const WIRE = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/civicrm/wire');

/** The request line and Host of a capture: the URL the client used, absolute. */
function capturedUrl(file: string): { method: string; url: string } {
  const text = readFileSync(`${WIRE}/${file}`, 'utf8');
  const request = text.split('===== RAW REQUEST (exact bytes sent) =====\n')[1];
  const [method, target] = request.split('\n')[0].split(' ');
  const host = /^Host: (.+)$/m.exec(request)![1].trim();
  return { method, url: `http://${host}${target}` };
}

/**
 * CRM.url as CiviCRM's js/crm.ajax.js computes it: the page's URL templates (one per mode), *path*
 * replaced, `?*query*` / `&*query*` dropped when there is no query. On WordPress the templates are
 * the front end (pretty or plain permalinks, absolute) and wp-admin (host-relative).
 */
function wordpressCrmUrl(front: string) {
  const templates: Record<string, string> = { front, back: '/wp-admin/admin.php?page=CiviCRM&q=*path*&*query*' };
  return (path: string, query?: unknown, mode?: 'front' | 'back') => {
    const template = templates[mode ?? 'back'];
    const filled = template.replace('*path*', path);
    const text = query && typeof query === 'object' ? new URLSearchParams(query as Record<string, string>).toString() : String(query ?? '');
    return text ? filled.replace('*query*', text) : filled.replace(/[?&]\*query\*/, '');
  };
}

const SITE = 'http://127.0.0.1:8081';
const PRETTY = `${SITE}/*path*/?*query*`;
const PLAIN = `${SITE}/?page_id=2&civiwp=CiviCRM&q=*path*&*query*`;

let fetchSpy: ReturnType<typeof vi.fn>;
beforeEach(() => {
  fetchSpy = vi.fn(() => Promise.resolve(new Response('{"contact_id":2,"user_id":1,"flow":"xheader","cred":"api_key"}', { status: 200 })));
  vi.stubGlobal('fetch', fetchSpy);
});
afterEach(() => vi.unstubAllGlobals());

function useSite(front: string) {
  (globalThis as any).CRM = { url: wordpressCrmUrl(front) };
}

describe('on WordPress with pretty permalinks (the captured site)', () => {
  beforeEach(() => useSite(PRETTY));

  it('Test key asks authx at the front-end URL of wire 46, without cookies', async () => {
    const captured = capturedUrl('46-wordpress-GET-authx-id-front-url.txt');
    await expect(testApiKey('WpAdminProbeKey0123456789abcdefg', 2)).resolves.toEqual({ outcome: 'works', contactId: 2 });
    const [url, init] = fetchSpy.mock.calls[0] as [string, RequestInit];
    expect({ method: init.method, url }).toEqual(captured);
    expect(init.credentials).toBe('omit');
  });

  it('the API address and the curl example are the front-end URL of wire 48', () => {
    const captured = capturedUrl('48-wordpress-POST-api4-Contact-get-front-url.txt');
    const url = frontUrl('civicrm/ajax/api4/Contact/get');
    expect(url).toBe(captured.url);
    expect(curlExample(url, null)).toContain(`'${captured.url}'`);
    expect(curlExample(url, null)).toContain('curl -X POST');
  });

  it('never the back-end form that wire 47 shows redirected to the WordPress login', async () => {
    const back = capturedUrl('47-wordpress-GET-authx-id-back-url-REDIRECT.txt');
    expect(new URL(back.url).pathname).toBe('/wp-admin/admin.php');
    await testApiKey('WpAdminProbeKey0123456789abcdefg', 2);
    const used = [String(fetchSpy.mock.calls[0][0]), frontUrl('civicrm/ajax/api4/Contact/get')];
    for (const url of used) expect(url).not.toContain('/wp-admin/');
  });
});

describe('on WordPress with plain permalinks', () => {
  beforeEach(() => useSite(PLAIN));

  it('uses ?page_id=N&civiwp=CiviCRM&q=<path>, absolute', async () => {
    await testApiKey('WpAdminProbeKey0123456789abcdefg', 2);
    expect(fetchSpy.mock.calls[0][0]).toBe(`${SITE}/?page_id=2&civiwp=CiviCRM&q=civicrm/authx/id`);
    expect(frontUrl('civicrm/ajax/api4/Contact/get')).toBe(`${SITE}/?page_id=2&civiwp=CiviCRM&q=civicrm/ajax/api4/Contact/get`);
  });
});

describe('where the front-end template is host-relative (Standalone, Drupal)', () => {
  it('is made absolute against the page, so it works when pasted elsewhere', () => {
    useSite('/*path*?*query*');
    expect(frontUrl('civicrm/ajax/api4/Contact/get')).toBe(new URL('/civicrm/ajax/api4/Contact/get', window.location.href).href);
    expect(frontUrl('civicrm/ajax/api4/Contact/get')).toMatch(/^https?:\/\//);
  });
});
