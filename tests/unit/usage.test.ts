import { beforeEach, describe, expect, it } from 'vitest';
import { curlExample, frontUrl, KEY_PLACEHOLDER } from '../../src/shared/usage';

beforeEach(() => {
  (globalThis as any).CRM = { url: (path: string, _query: unknown, mode: string) => (mode === 'front' ? `/${path}` : `/wp-admin/admin.php?page=CiviCRM&q=${path}`) };
});

describe('the usage example', () => {
  it('gives absolute front-end URLs (the back end may sit behind a CMS login)', () => {
    expect(frontUrl('civicrm/ajax/api4/Contact/get')).toBe(new URL('/civicrm/ajax/api4/Contact/get', window.location.href).href);
    expect(frontUrl('civicrm/ajax/api4/Contact/get')).toMatch(/^https?:\/\//);
  });

  it('is a curl call with X-Civi-Auth: Bearer and the placeholder when the key is not on screen', () => {
    const example = curlExample('https://example.org/civicrm/ajax/api4/Contact/get', null);
    expect(example).toContain(`-H 'X-Civi-Auth: Bearer ${KEY_PLACEHOLDER}'`);
    expect(example).toContain("'https://example.org/civicrm/ajax/api4/Contact/get'");
    expect(example).toContain(`--data-urlencode 'params={"select":["id","display_name"],"limit":1}'`);
  });

  it('quotes a key holding a quote so the shell command stays one argument', () => {
    expect(curlExample('https://x/', "ab'cd")).toContain(`'X-Civi-Auth: Bearer ab'\\''cd'`);
  });
});
