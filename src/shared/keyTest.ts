// usage: testApiKey(key, contactId).then((result) => ...)   // never rejects
//        askAuthx(jwt).then((reply) => ...)                  // {status, body, answer}, or null: no answer
//
// Asks CiviCRM's authx who a key logs in as (GET civicrm/authx/id), the way an outside system
// would: with the key in X-Civi-Auth and WITHOUT the browser's cookies. With the session cookie,
// authx ignores the key and answers for the logged-in user (../shared/civicrm/README.md, the trap),
// so only an answer with cred "api_key" for this very contact counts as success.
// The Temporary token asks the same question with its JWT (src/token/tokenService.ts).
import { frontUrl } from './usage';

export type KeyTestResult =
  | { outcome: 'works'; contactId: number }
  | { outcome: 'otherContact'; contactId: number }
  | { outcome: 'sessionAnswered' }
  | { outcome: 'unknownKey' }
  | { outcome: 'guardRefused' }
  /** 401 "API key has expired": refused by the extension's own check (wire 40, 41). */
  | { outcome: 'expired' }
  | { outcome: 'unreachable' }
  | { outcome: 'unexpected'; status: number };

/** What authx answered: its status, its text, and that text read as JSON (null when it is not JSON). */
export interface AuthxReply {
  status: number;
  body: string;
  answer: { contact_id?: unknown; cred?: unknown } | null;
}

/** One GET civicrm/authx/id with this credential; null when no answer came, or one cut off while its body was read. */
export function askAuthx(credential: string): Promise<AuthxReply | null> {
  return fetch(frontUrl('civicrm/authx/id'), {
    method: 'GET',
    headers: { 'X-Civi-Auth': `Bearer ${credential}` },
    credentials: 'omit',
    cache: 'no-store',
  })
    .then((response) =>
      response.text().then((body): AuthxReply => {
        let answer = null;
        try {
          answer = JSON.parse(body);
        } catch {
          // Not JSON (a PHP error page, a proxy, authx's plain-text 401s).
        }
        return { status: response.status, body, answer };
      }),
    )
    .catch(() => null);
}

export function testApiKey(key: string, contactId: number): Promise<KeyTestResult> {
  return askAuthx(key).then((reply): KeyTestResult => {
    if (!reply) return { outcome: 'unreachable' };
    const { status, body, answer } = reply;
    if (status === 401 && body.includes('Invalid credential')) return { outcome: 'unknownKey' };
    if (status === 401 && body.includes('Must satisfy guard')) return { outcome: 'guardRefused' };
    if (status === 401 && body.includes('API key has expired')) return { outcome: 'expired' };
    if (status !== 200 || !answer) return { outcome: 'unexpected', status };
    if (answer.cred === 'already-logged-in') return { outcome: 'sessionAnswered' };
    const answeredId = Number(answer.contact_id);
    if (answer.cred !== 'api_key' || !Number.isInteger(answeredId)) return { outcome: 'unexpected', status };
    return answeredId === contactId ? { outcome: 'works', contactId } : { outcome: 'otherContact', contactId: answeredId };
  });
}
