// The "How to use this key" example: what another system sends to call APIv4 with the key.

/** Stands in for the key whenever the real one is not on screen, so the example never leaks it. */
export const KEY_PLACEHOLDER = 'YOUR_API_KEY';

/** This site's APIv4 endpoint as a caller outside the browser sees it (front-end URL: see keyTest.ts). */
export function apiv4Url(): string {
  return new URL(CRM.url('civicrm/ajax/api4/Contact/get', null, 'front'), window.location.href).href;
}

export function curlExample(url: string, key: string | null): string {
  return [
    'curl -X POST \\',
    `  -H ${shellQuote(`X-Civi-Auth: Bearer ${key ?? KEY_PLACEHOLDER}`)} \\`,
    `  ${shellQuote(url)} \\`,
    `  --data-urlencode ${shellQuote('params={"select":["id","display_name"],"limit":1}')}`,
  ].join('\n');
}

/** Single-quoted for a POSIX shell: a key set by other means may hold any character, quotes too. */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
