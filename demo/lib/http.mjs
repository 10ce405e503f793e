// Small HTTP helpers for the demo server (Node's http module only).

export const SESSION_COOKIE = 'SESSCIVISO';
export const MAX_BODY_BYTES = 64 * 1024;

export class RequestTooLarge extends Error {}

/**
 * @param {import('node:http').IncomingMessage} request
 * @returns {Promise<string>}
 */
export function readBody(request) {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      reject(new RequestTooLarge());
      return;
    }
    /** @type {Buffer[]} */
    const chunks = [];
    let received = 0;
    request.on('data', (/** @type {Buffer} */ chunk) => {
      received += chunk.length;
      if (received > MAX_BODY_BYTES) {
        request.removeAllListeners('data');
        reject(new RequestTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** @param {import('node:http').IncomingMessage} request */
export function sessionToken(request) {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === SESSION_COOKIE) return value.join('=');
  }
  return null;
}

/** @param {string} token */
export function sessionCookie(token) {
  return `${SESSION_COOKIE}=${token}; path=/; HttpOnly; SameSite=Lax`;
}

/**
 * @param {import('node:http').IncomingMessage} request
 * @param {string} name
 */
export function singleHeader(request, name) {
  const value = request.headers[name];
  return typeof value === 'string' ? value : null;
}

/** @param {import('node:http').IncomingMessage} request */
export function isAjax(request) {
  return singleHeader(request, 'x-requested-with') === 'XMLHttpRequest';
}

/**
 * `X-Civi-Auth: Bearer <key>`; anything else is no api key credential.
 * @param {import('node:http').IncomingMessage} request
 */
export function bearerKey(request) {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(singleHeader(request, 'x-civi-auth') ?? '');
  return match ? match[1] : null;
}
