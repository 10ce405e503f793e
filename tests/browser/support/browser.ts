// usage (at the top of a spec file):
//   const ui = useDemoInChromium();
//   it('...', async () => {
//     const tab = await ui.openTab('admin', 3);
//     await tab.button('Generate key').click();
//   });
//
// One Chromium and one demo server (`startDemo()`: `npm start` on a free port, temporary data
// file) per spec file; files run one at a time (vitest.config.ts). Each test gets a fresh context,
// so the demo session cookie, the faults armed on that session and any clipboard permission
// never carry over. Every test records console messages, request URLs, cookies and web storage;
// afterEach fails the test if any key it met is found there (PRODUCT.md: keys never in a URL,
// storage or the console).
import { readFileSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { startDemo, type RunningDemo } from '../../support/demo';

// Debian's Chromium as root: no sandbox, and nothing that phones home while tests run.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
// Generous for a 2-core machine, far below the 30 s test timeout, so a stuck wait names its locator.
const ACTION_TIMEOUT_MS = 5_000;
const NAVIGATION_TIMEOUT_MS = 10_000;

export type DemoUserName = 'admin' | 'self' | 'staff' | 'reader';
export type RequestCounts = Record<string, number>;
export type FaultName = 'network' | '403' | '500' | 'html' | 'altered' | 'slow' | 'deleted' | 'loggedout';
export interface FaultRequest {
  fault: FaultName;
  times?: number;
  action?: string;
  delayMs?: number;
}

/** Debian's Chromium with a temporary profile that playwright-core removes on close. */
function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, timeout: NAVIGATION_TIMEOUT_MS });
}

/** Waits until `read()` satisfies the matcher that follows, within the action timeout. */
export function eventually<T>(read: () => T | Promise<T>) {
  return expect.poll(read, { timeout: ACTION_TIMEOUT_MS, interval: 20 });
}

/** What one test saw leave the tab: checked for keys after the test. */
interface Recording {
  console: string[];
  pageErrors: string[];
  requestUrls: string[];
  /** Keys the test met: read from the key field, set behind the tab's back, or stored by the demo. */
  keys: Set<string>;
}

/** The demo page of one test, with the API Key tab's controls found the way a user finds them. */
export class TabPage {
  constructor(
    readonly page: Page,
    private readonly recording: Recording,
  ) {}

  get panel(): Locator {
    return this.page.locator('#contact-apikey');
  }

  get tabItem(): Locator {
    return this.page.locator('li#tab_apikey');
  }

  get badge(): Locator {
    return this.page.locator('li#tab_apikey em');
  }

  /** A button of the tab by its exact accessible name (the dialog's buttons live outside the tab). */
  button(name: string): Locator {
    return this.panel.getByRole('button', { name, exact: true });
  }

  get dialog(): Locator {
    return this.page.locator('.ui-dialog[role=dialog]');
  }

  dialogButton(name: string): Locator {
    return this.dialog.getByRole('button', { name, exact: true });
  }

  /** The tab's own live regions (a child component, such as Temporary token, has its own). */
  get status(): Locator {
    return this.panel.locator('.crm-apikey-tab > [role=status]');
  }

  get alert(): Locator {
    return this.panel.locator('.crm-apikey-tab > [role=alert].crm-apikey-failure');
  }

  /** The read-only field that shows the key in full. */
  get keyField(): Locator {
    return this.panel.locator('.crm-apikey-shown input');
  }

  /** The field of "Enter a key". */
  get typedKeyField(): Locator {
    return this.panel.getByRole('textbox', { name: 'API key', exact: true });
  }

  get typedKeyError(): Locator {
    return this.panel.locator('.crm-apikey-typed-error');
  }

  get maskedKey(): Locator {
    return this.panel.locator('.crm-apikey-masked');
  }

  /** Waits for the key field and returns the key in it, remembering it for the leak check. */
  async shownKey(): Promise<string> {
    await this.keyField.waitFor();
    const key = await this.keyField.inputValue();
    this.recording.keys.add(key);
    return key;
  }

  /** The visible text of the tab's action buttons, in order (Change expiry sits by the expiry line, above the others). */
  async actions(): Promise<string[]> {
    const names = await this.panel.locator('.crm-apikey-expiry-row button, .crm-apikey-actions button').allTextContents();
    return names.map((name) => name.trim());
  }

  async text(): Promise<string> {
    return (await this.panel.innerText()).replace(/\s+/g, ' ');
  }

  async isFocused(target: Locator): Promise<boolean> {
    return target.evaluate((element) => element === document.activeElement);
  }

  /** The focused element, named as a user would: a button's text, or a field's label. */
  async focusedName(): Promise<string> {
    return this.page.evaluate(() => {
      const element = document.activeElement as HTMLElement | null;
      if (!element) return '';
      const label = element.id ? document.querySelector(`label[for="${element.id}"]`) : null;
      return (label?.textContent ?? element.textContent ?? '').trim();
    });
  }

  /** Arms a demo fault on this page's session (POST /demo/faults needs its cookie and X-Requested-With). */
  async armFault(fault: FaultRequest): Promise<void> {
    const answer = await this.page.evaluate(async (body) => {
      const response = await fetch('/demo/faults', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'XMLHttpRequest' },
        body: JSON.stringify(body),
      });
      return { status: response.status, text: await response.text() };
    }, fault);
    expect(answer.status, answer.text).toBe(200);
  }

  /** Remembers a key the test put in place by other means, for the leak check. */
  remember(key: string): void {
    this.recording.keys.add(key);
  }
}

/** The demo's own controls, called from Node with an administrator session of their own. */
export class DemoControl {
  private adminCookie: string | null = null;

  constructor(private readonly demo: () => RunningDemo) {}

  get url(): string {
    return this.demo().url;
  }

  /** The key the demo has stored for a contact (its data file is written before it answers). */
  storedKey(contactId: number): string | null {
    return storedKeys(this.demo().dataFile)[contactId] ?? null;
  }

  /** Changes a key "in another window", behind the tab's back. */
  async setKey(contactId: number, apiKey: string | null): Promise<void> {
    await this.post('/demo/set-key', { cid: contactId, api_key: apiKey });
  }

  /** Moves a contact to the trash or back (Contact.delete with useTrash); its key stays. */
  async trash(contactId: number, trashed: boolean): Promise<void> {
    await this.post('/demo/trash', { contactId, trashed });
  }

  async grantAuthx(contactId: number, granted: boolean): Promise<void> {
    await this.post('/demo/authx-grant', { cid: contactId, granted });
  }

  /** APIv4 calls by `Entity.action` since the last reset, as the server counted them. */
  async requests(): Promise<RequestCounts> {
    const response = await fetch(new URL('/demo/requests', this.url));
    return ((await response.json()) as { counts: RequestCounts }).counts;
  }

  async resetRequests(): Promise<void> {
    const response = await fetch(new URL('/demo/requests', this.url), { method: 'DELETE', headers: { 'X-Requested-With': 'XMLHttpRequest' } });
    expect(response.status).toBe(200);
  }

  private async post(path: string, body: object): Promise<void> {
    // Sessions live in the data file, so this cookie outlives a restart of the demo.
    this.adminCookie ??= await logIn(this.url, 'admin');
    const response = await fetch(new URL(path, this.url), {
      method: 'POST',
      headers: { Cookie: this.adminCookie, 'Content-Type': 'application/json', 'X-Requested-With': 'XMLHttpRequest' },
      body: JSON.stringify(body),
    });
    expect(response.status, await response.text()).toBe(200);
  }
}

async function logIn(url: string, user: DemoUserName): Promise<string> {
  const response = await fetch(new URL(`/?user=${user}`, url));
  await response.arrayBuffer();
  const cookie = /^([^=;]+=[0-9a-f]+)/.exec(response.headers.get('set-cookie') ?? '')?.[1];
  if (!cookie) throw new Error(`The demo set no session cookie for ${user}.`);
  return cookie;
}

function storedKeys(dataFile: string): Record<string, string | null> {
  return (JSON.parse(readFileSync(dataFile, 'utf8')) as { apiKeys: Record<string, string | null> }).apiKeys;
}

export interface DemoInChromium {
  readonly demo: RunningDemo;
  readonly control: DemoControl;
  readonly context: BrowserContext;
  /** Opens the contact summary as `user` on contact `cid`; the tab is not selected yet. */
  open(user: DemoUserName, cid: number): Promise<TabPage>;
  /** Opens the page and clicks the API Key tab, as a user would. */
  openTab(user: DemoUserName, cid: number): Promise<TabPage>;
  /** The tab of the page already open (after a reload, say). */
  tab(): TabPage;
}

export function useDemoInChromium(): DemoInChromium {
  let browser: Browser | undefined;
  let demo: RunningDemo | undefined;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  let recording: Recording = emptyRecording();
  const control = new DemoControl(() => demo!);

  beforeAll(async () => {
    [browser, demo] = await Promise.all([launchChromium(), startDemo()]);
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  beforeEach(async () => {
    recording = emptyRecording();
    context = await browser!.newContext({ viewport: { width: 1200, height: 900 } });
    context.setDefaultTimeout(ACTION_TIMEOUT_MS);
    context.setDefaultNavigationTimeout(NAVIGATION_TIMEOUT_MS);
    context.on('request', (request) => recording.requestUrls.push(request.url()));
    context.on('console', (message) => recording.console.push(`${message.type()}: ${message.text()}`));
    context.on('weberror', (error) => recording.pageErrors.push(String(error.error())));
    page = await context.newPage();
  });

  afterEach(async () => {
    try {
      await expectNoKeyLeaked(context!, recording, demo!);
    } finally {
      await context?.close();
    }
  });

  const open = async (user: DemoUserName, cid: number) => {
    await page!.goto(new URL(`/?user=${user}&cid=${cid}`, demo!.url).href);
    // The page is usable once AngularJS has rendered the tab's template (or there is no tab at all).
    await page!.locator('#mainTabContainer').waitFor({ state: 'attached' });
    const tab = new TabPage(page!, recording);
    if (await tab.tabItem.count()) await tab.panel.locator('.crm-apikey-tab').waitFor({ state: 'attached' });
    return tab;
  };

  return {
    get demo() {
      return demo!;
    },
    control,
    get context() {
      return context!;
    },
    open,
    async openTab(user, cid) {
      const tab = await open(user, cid);
      await tab.tabItem.locator('a').click();
      await tab.panel.waitFor({ state: 'visible' });
      return tab;
    },
    tab: () => new TabPage(page!, recording),
  };
}

function emptyRecording(): Recording {
  return { console: [], pageErrors: [], requestUrls: [], keys: new Set() };
}

/** Fails when a key met in the test appears in a URL, the console, a cookie, web storage or the server log. */
async function expectNoKeyLeaked(context: BrowserContext, recording: Recording, demo: RunningDemo): Promise<void> {
  for (const key of Object.values(storedKeys(demo.dataFile))) if (key) recording.keys.add(key);
  const storage: string[] = [];
  for (const page of context.pages()) {
    if (!page.url().startsWith('http')) continue;
    for (const field of await page.locator('.crm-apikey-shown input').all()) recording.keys.add(await field.inputValue());
    for (const { name, value } of [...(await page.localStorage.items()), ...(await page.sessionStorage.items())]) storage.push(`${name}=${value}`);
  }
  const { cookies } = await context.storageState();
  storage.push(...cookies.map((cookie) => `${cookie.name}=${cookie.value}`));
  const places: Record<string, string[]> = {
    'request URL': recording.requestUrls,
    console: recording.console,
    'uncaught error': recording.pageErrors,
    'cookie or web storage': storage,
    'demo server log': demo.stderr().split('\n'),
  };
  const leaks = [...recording.keys]
    .filter((key) => key.length >= 16)
    .flatMap((key) => Object.entries(places).flatMap(([place, lines]) => lines.filter((line) => line.includes(key)).map((line) => `${place}: ${line}`)));
  expect(leaks, 'a key left the tab').toEqual([]);
  expect(recording.pageErrors, 'uncaught errors in the page').toEqual([]);
}
