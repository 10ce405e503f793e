// The demo server started in-process on a free port with its own data file, and the few HTTP
// calls the demo specs make against it.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { startDemoServer } from '../../../demo/server.mjs';

export type DemoUserName = 'admin' | 'self' | 'staff' | 'reader';

export interface InProcessDemo {
  url: string;
  dataFile: string;
  logLines: string[];
  close(): Promise<void>;
  /** Stops the server and starts a new one on the same data file. */
  restart(): Promise<void>;
  /** Removes the temporary directory as well. */
  dispose(): Promise<void>;
}

export async function startInProcessDemo(dataDirectory = mkdtempSync(join(tmpdir(), 'apikeytab-demo-'))): Promise<InProcessDemo> {
  const dataFile = join(dataDirectory, 'demo.json');
  const logLines: string[] = [];
  let server = await startDemoServer({ port: 0, dataFile, log: (line) => logLines.push(line) });
  const demo: InProcessDemo = {
    url: server.url,
    dataFile,
    logLines,
    close: () => server.close(),
    async restart() {
      await server.close();
      server = await startDemoServer({ port: 0, dataFile, log: (line) => logLines.push(line) });
      demo.url = server.url;
    },
    async dispose() {
      await server.close();
      rmSync(dataDirectory, { recursive: true, force: true });
    },
  };
  return demo;
}

/**
 * usage: let demo: InProcessDemo; let admin: string;
 *        useInProcessDemo((started) => ({ demo, admin } = started));
 *
 * Starts a demo for the enclosing file or describe block (or, with `fresh: 'each'`, for every
 * test, so each starts from the seed data), logs the administrator in, and disposes of it after.
 */
export function useInProcessDemo(
  onStarted: (started: { demo: InProcessDemo; admin: string }) => void,
  { fresh = 'all' }: { fresh?: 'all' | 'each' } = {},
): void {
  let demo: InProcessDemo | undefined;
  const [before, after] = fresh === 'each' ? [beforeEach, afterEach] : [beforeAll, afterAll];
  before(async () => {
    demo = await startInProcessDemo();
    onStarted({ demo, admin: await logIn(demo, 'admin') });
  });
  after(() => demo?.dispose());
}

export function siteKeyOf(demo: InProcessDemo): string {
  return JSON.parse(readFileSync(demo.dataFile, 'utf8')).siteKey;
}

/** Opens the page as `user` and returns the session cookie it set (`SESSCIVISO=...`). */
export async function logIn(demo: InProcessDemo, user: DemoUserName): Promise<string> {
  const response = await fetch(new URL(`/?user=${user}`, demo.url));
  const setCookie = response.headers.get('set-cookie') ?? '';
  const cookie = /^(SESSCIVISO=[0-9a-f]+)/.exec(setCookie)?.[1];
  if (!cookie) throw new Error(`No session cookie for ${user}: ${response.status} ${setCookie}`);
  await response.arrayBuffer();
  return cookie;
}

export interface Answer {
  status: number;
  contentType: string | null;
  text: string;
  json: any;
}

async function answerOf(response: Response): Promise<Answer> {
  const text = await response.text();
  let json: unknown = undefined;
  try {
    json = JSON.parse(text);
  } catch {
    // Not every answer is JSON (authx refusals, the html fault); `text` has it.
  }
  return { status: response.status, contentType: response.headers.get('content-type'), text, json };
}

export async function api4(
  demo: InProcessDemo,
  entity: string,
  action: string,
  params: object,
  { cookie, ajax = true }: { cookie?: string; ajax?: boolean } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded; charset=UTF-8' };
  if (ajax) headers['X-Requested-With'] = 'XMLHttpRequest';
  if (cookie) headers.Cookie = cookie;
  const response = await fetch(new URL(`/civicrm/ajax/api4/${entity}/${action}`, demo.url), {
    method: 'POST',
    headers,
    body: new URLSearchParams({ params: JSON.stringify(params) }).toString(),
  });
  return answerOf(response);
}

/** Contact.update of one contact's api_key in this session (an administrator's, mostly); anything but 200 fails the test. */
export async function setApiKey(demo: InProcessDemo, cookie: string, cid: number, apiKey: string | null): Promise<void> {
  const answer = await api4(demo, 'Contact', 'update', { where: [['id', '=', cid]], values: { api_key: apiKey } }, { cookie });
  expect(answer.status, answer.text).toBe(200);
}

/** A call to one of the demo's own /demo/... controls. */
export async function control(demo: InProcessDemo, method: string, path: string, body: unknown, cookie?: string): Promise<Answer> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', 'X-Requested-With': 'XMLHttpRequest' };
  if (cookie) headers.Cookie = cookie;
  const response = await fetch(new URL(path, demo.url), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return answerOf(response);
}

export async function authxId(demo: InProcessDemo, headers: Record<string, string>): Promise<Answer> {
  return answerOf(await fetch(new URL('/civicrm/authx/id', demo.url), { headers }));
}

/** Sends the path byte for byte: fetch would normalise `..` before it left the client. */
export function rawGet(demo: InProcessDemo, rawPath: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(demo.url);
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: hostname, port, path: rawPath, method: 'GET' }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
    request.end();
  });
}
