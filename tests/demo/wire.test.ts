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
