// The "How to use this key" example: what another system sends to call APIv4 with the key.

/** Stands in for the key whenever the real one is not on screen, so the example never leaks it. */
export const KEY_PLACEHOLDER = 'YOUR_API_KEY';

/**
 * An absolute front-end URL of this site, as a caller outside the browser sees it. Front-end:
 * on WordPress the back-end URL sits behind the WordPress login, which no key gets past.
 */
export function frontUrl(path: string): string {
  return new URL(CRM.url(path, null, 'front'), window.location.href).href;
}

export function curlExample(url: string, key: string | null): string {
  return [
    'curl -X POST \\',
    `  -H ${shellQuote(`X-Civi-Auth: Bearer ${key ?? KEY_PLACEHOLDER}`)} \\`,
    `  ${shellQuote(url)} \\`,
    `  --data-urlencode 'params={"select":["id","display_name"],"limit":1}'`,
  ].join('\n');
}

/** Single-quoted for a POSIX shell: a key set by other means may hold any character, quotes too. */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
