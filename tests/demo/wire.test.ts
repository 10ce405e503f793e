// Replays the captured exchanges with a real CiviCRM 6.15 (../shared/civicrm/wire) against the
// demo, in capture order so each starts from the state the earlier ones left, and compares what
// the tab relies on: status, content type, and the fields of the body that carry meaning.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { control, logIn, startInProcessDemo, type DemoUserName, type InProcessDemo } from './support/demoClient';

const wireDirectory = fileURLToPath(new URL('../../../shared/civicrm/wire/', import.meta.url));
const REPLAYED = ['03', '05', '06', '07', '08', '09', '10', '14', '15', '16', '19', '20', '23', '24', '25', '27', '28', '30', '31', '32', '33', '34'];
const DEMO_USER_OF_CLIENT: Record<string, DemoUserName> = { admin: 'admin', staffer: 'staff', selfkey: 'self' };
// Captures whose preceding state came from steps outside the replayed set.
const JANE_KEY_BEFORE_32 = 'janekeyjanekeyjanekeyjanekey1234';
// Fields that differ from one site (or one second) to the next.
const VOLATILE_FIELDS = new Set(['created_date', 'modified_date']);

interface Exchange {
  file: string;
  client: string;
  method: string;
  path: string;
  headers: [string, string][];
  body: string;
  status: number;
  contentType: string;
  responseBody: string;
}

function headerBlock(text: string) {
  const [head, ...rest] = text.split('\r\n\r\n').length > 1 ? text.split('\r\n\r\n') : text.split('\n\n');
  const [startLine, ...headerLines] = head.split(/\r?\n/);
  const headers = headerLines.map((line) => {
    const colon = line.indexOf(':');
    return [line.slice(0, colon).trim(), line.slice(colon + 1).trim()] as [string, string];
  });
  return { startLine, headers, body: rest.join('\n\n') };
}

function parseCapture(file: string): Exchange {
  const text = readFileSync(wireDirectory + file, 'utf8');
  const client = /as client "([^"]+)"/.exec(text)?.[1] ?? '';
  const [, afterRequestMarker] = text.split('===== RAW REQUEST (exact bytes sent) =====\n');
  const [requestText, responseText] = afterRequestMarker.split('===== RAW RESPONSE (exact bytes received) =====\n');
  const request = headerBlock(requestText);
  const [method, path] = request.startLine.split(' ');
  const length = Number(request.headers.find(([name]) => name.toLowerCase() === 'content-length')?.[1] ?? 0);
  const response = headerBlock(responseText);
  return {
    file,
    client,
    method,
    path,
    headers: request.headers,
    body: request.body.slice(0, length),
    status: Number(response.startLine.split(' ')[1]),
    contentType: response.headers.find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? '',
    responseBody: response.body.trim(),
  };
}

const captures = readdirSync(wireDirectory)
  .filter((file) => REPLAYED.includes(file.slice(0, 2)))
  .sort()
  .map(parseCapture);

function mediaType(contentType: string | null) {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

function comparableRecord(record: Record<string, unknown>) {
  return Object.fromEntries(Object.entries(record).filter(([field]) => !VOLATILE_FIELDS.has(field)));
}

function expectSameBody(actualText: string, capture: Exchange) {
  if (mediaType(capture.contentType) !== 'application/json') {
    expect(actualText.trim()).toBe(capture.responseBody);
    return;
  }
  const expected = JSON.parse(capture.responseBody);
  const actual = JSON.parse(actualText);
  if ('values' in expected) {
    const { values: expectedValues, ...expectedEnvelope } = expected;
    const { values: actualValues, ...actualEnvelope } = actual;
    expect(actualEnvelope).toEqual(expectedEnvelope);
    expect(actualValues.map((record: { id: number }) => record.id)).toEqual(expectedValues.map((record: { id: number }) => record.id));
    expectedValues.forEach((expectedRecord: Record<string, unknown>, position: number) => {
      const actualRecord = actualValues[position];
      // Same fields (api_key present or absent alike), same values where they carry meaning.
      expect(Object.keys(actualRecord).sort()).toEqual(Object.keys(expectedRecord).sort());
      expect(comparableRecord(actualRecord)).toEqual(comparableRecord(expectedRecord));
    });
    return;
  }
  if ('error_message' in expected) {
    const errorId = /\(Error ID: [^)]+\)/;
    expect({ ...actual, error_message: actual.error_message.replace(errorId, '(Error ID)') }).toEqual({
      ...expected,
      error_message: expected.error_message.replace(errorId, '(Error ID)'),
    });
    if (errorId.test(expected.error_message)) expect(actual.error_message).toMatch(/\(Error ID: \w{4}-\w{4}-\w{4}\)$/);
    return;
  }
  expect(actual).toEqual(expected);
}

describe('the demo answers like the captured CiviCRM 6.15', () => {
  let demo: InProcessDemo;
  const cookies: Partial<Record<DemoUserName, string>> = {};

  beforeAll(async () => {
    demo = await startInProcessDemo();
    for (const user of ['admin', 'self', 'staff'] as const) cookies[user] = await logIn(demo, user);
  });
  afterAll(() => demo.dispose());

  it('replays every capture it was asked to', () => {
    expect(captures.map((capture) => capture.file.slice(0, 2))).toEqual(REPLAYED);
  });

  for (const capture of captures) {
    it(`${capture.file}`, async () => {
      if (capture.file.startsWith('32')) {
        const set = await control(demo, 'POST', '/demo/set-key', { cid: 3, api_key: JANE_KEY_BEFORE_32 }, cookies.admin);
        expect(set.status).toBe(200);
      }
      const headers = new Headers();
      for (const [name, value] of capture.headers) {
        if (!['host', 'content-length', 'connection', 'cookie'].includes(name.toLowerCase())) headers.set(name, value);
      }
      const demoUser = DEMO_USER_OF_CLIENT[capture.client];
      const capturedCookie = capture.headers.find(([name]) => name.toLowerCase() === 'cookie')?.[1];
      // A logged-in client gets the demo's session for that user; an anonymous one keeps its
      // captured cookie, which the demo does not know, as CiviCRM did not know it as a login.
      if (demoUser) headers.set('Cookie', cookies[demoUser]!);
      else if (capturedCookie) headers.set('Cookie', capturedCookie);

      const response = await fetch(new URL(capture.path, demo.url), {
        method: capture.method,
        headers,
        body: capture.method === 'GET' ? undefined : capture.body,
      });
      const text = await response.text();

      expect(response.status).toBe(capture.status);
      expect(mediaType(response.headers.get('content-type'))).toBe(mediaType(capture.contentType));
      expect(response.headers.get('cache-control')).toBe('no-store, no-cache, must-revalidate');
      expectSameBody(text, capture);
    });
  }
});

// Wire 35-39 (6.15.5, "Seen on 6.15.5 since the first release"): the trash and per-contact edit
// access. The captured site's contacts are not the demo's (contact 48 "Trash Probe", the user
// "keyviewer"), so each exchange is set up on a demo contact in the same state, and compared with
// the capture where the demo's ids and names stand in for the captured ones.
describe('the demo answers like CiviCRM 6.15.5 on the trash and on edit access (wire 35-39)', () => {
  let demo: InProcessDemo;
  let admin: string;
  let reader: string;
  const [w35, w36, w37, w38, w39] = ['35', '36', '37', '38', '39'].map((number) =>
    parseCapture(readdirSync(wireDirectory).find((file) => file.startsWith(number))!),
  );
  // A contact without a user account, like the captured contact 48.
  const TRASHED = 46;
  const TRASH_KEY = w35.headers.find(([name]) => name === 'X-Civi-Auth')![1].replace('Bearer ', '');

  beforeAll(async () => {
    demo = await startInProcessDemo();
    admin = await logIn(demo, 'admin');
    reader = await logIn(demo, 'reader');
    expect((await control(demo, 'POST', '/demo/set-key', { cid: TRASHED, api_key: TRASH_KEY }, admin)).status).toBe(200);
    expect((await control(demo, 'POST', '/demo/trash', { contactId: TRASHED, trashed: true }, admin)).status).toBe(200);
  });
  afterAll(() => demo.dispose());

  /** The captured request, sent as the given demo user (or with the given extra headers). */
  async function replay(capture: Exchange, cookie: string | null, extraHeaders: Record<string, string> = {}) {
    const headers = new Headers();
    for (const [name, value] of capture.headers) {
      if (!['host', 'content-length', 'connection', 'cookie', 'x-civi-key'].includes(name.toLowerCase())) headers.set(name, value);
    }
    if (cookie) headers.set('Cookie', cookie);
    for (const [name, value] of Object.entries(extraHeaders)) headers.set(name, value);
    const response = await fetch(new URL(capture.path, demo.url), { method: capture.method, headers, body: capture.method === 'GET' ? undefined : capture.body });
    const text = await response.text();
    expect(response.status).toBe(capture.status);
    expect(mediaType(response.headers.get('content-type'))).toBe(mediaType(capture.contentType));
    return { text, json: JSON.parse(text) };
  }

  it('35: the key of a trashed contact still authenticates through authx (with the site key)', async () => {
    const siteKey = JSON.parse(readFileSync(demo.dataFile, 'utf8')).siteKey;
    const { json } = await replay(w35, null, { 'X-Civi-Key': siteKey });
    expect(json).toEqual({ ...JSON.parse(w35.responseBody), contact_id: TRASHED });
  });

  it('36: Contact.get of the key holders hides the trashed contact unless the where names is_deleted', async () => {
    const { json } = await replay(w36, admin);
    const captured = JSON.parse(w36.responseBody);
    expect(Object.keys(json.values[0])).toEqual(Object.keys(captured.values[0]));
    expect(json.values.map((row: { id: number }) => row.id)).not.toContain(TRASHED);
    expect(json.values.every((row: { is_deleted: boolean }) => row.is_deleted === false)).toBe(true);
    expect(json.count).toBe(json.values.length);
  });

  it('37: with is_deleted IN [false, true] the trashed contact is listed, is_deleted true', async () => {
    const { json } = await replay(w37, admin);
    const hidden = (await replay(w36, admin)).json;
    const captured = JSON.parse(w37.responseBody);
    const trashedRow = captured.values.find((row: { is_deleted: boolean }) => row.is_deleted);
    expect(json.values.find((row: { id: number }) => row.id === TRASHED)).toEqual({ ...trashedRow, id: TRASHED, display_name: 'Integration 40' });
    // Exactly one more than without the condition, as 3 against 2 in the captures.
    expect(json.count - hidden.count).toBe(captured.count - JSON.parse(w36.responseBody).count);
  });

  it('38: a viewer with edit api keys but no edit access to the contact gets the generic 403 on a key change', async () => {
    const before = await control(demo, 'POST', '/demo/set-key', { cid: 3, api_key: 'VmfmzWeiKWAvyI5t5xDseR0EYqCDNCMt' }, admin);
    expect(before.status).toBe(200);
    const { text } = await replay(w38, reader);
    expectSameBody(text, w38);
  });

  it('39: the same viewer reads the key (which 38 left unchanged)', async () => {
    const { text } = await replay(w39, reader);
    expectSameBody(text, w39);
  });
});
