// usage: testApiKey(key, contactId).then((result) => ...)   // never rejects
//
// Asks CiviCRM's authx who a key logs in as (GET civicrm/authx/id), the way an outside system
// would: with the key in X-Civi-Auth and WITHOUT the browser's cookies. With the session cookie,
// authx ignores the key and answers for the logged-in user (../shared/civicrm/README.md, the trap),
// so only an answer with cred "api_key" for this very contact counts as success.
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

export function testApiKey(key: string, contactId: number): Promise<KeyTestResult> {
  return fetch(frontUrl('civicrm/authx/id'), {
    method: 'GET',
    headers: { 'X-Civi-Auth': `Bearer ${key}` },
    credentials: 'omit',
    cache: 'no-store',
  })
    .then((response) => response.text().then((body) => interpret(response.status, body, contactId)))
    // No answer at all, or one cut off while its body was read.
    .catch((): KeyTestResult => ({ outcome: 'unreachable' }));
}

function interpret(status: number, body: string, contactId: number): KeyTestResult {
  if (status === 401 && body.includes('Invalid credential')) return { outcome: 'unknownKey' };
  if (status === 401 && body.includes('Must satisfy guard')) return { outcome: 'guardRefused' };
  if (status === 401 && body.includes('API key has expired')) return { outcome: 'expired' };
  let answer: { contact_id?: unknown; cred?: unknown } | null = null;
  try {
    answer = JSON.parse(body);
  } catch {
    // Not JSON (a PHP error page, a proxy): reported as unexpected below.
  }
  if (status !== 200 || !answer) return { outcome: 'unexpected', status };
  if (answer.cred === 'already-logged-in') return { outcome: 'sessionAnswered' };
  const answeredId = Number(answer.contact_id);
  if (answer.cred !== 'api_key' || !Number.isInteger(answeredId)) return { outcome: 'unexpected', status };
  return answeredId === contactId ? { outcome: 'works', contactId } : { outcome: 'otherContact', contactId: answeredId };
}
