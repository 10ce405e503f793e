// A key is a credential: while masked it is nowhere in the page, and never in the console,
// web storage, a URL or an error message, whatever the user does.
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { mountTab, type MountedTab } from '../support/mount';

let tab: MountedTab;
let consoleSpies: MockInstance[];
const KEY = 'adminkeyadminkeyadminkeyadminkey';

beforeEach(() => {
  consoleSpies = (['log', 'info', 'warn', 'error', 'debug', 'trace'] as const).map((method) => vi.spyOn(console, method).mockImplementation(() => {}));
  localStorage.clear();
  sessionStorage.clear();
});

afterEach(() => {
  tab?.destroy();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

/** Everything of the tab a script or an assistive tool can read: text, every attribute, every field value. */
function everythingInTheDom(root: Element): string {
  const parts: string[] = [root.textContent ?? ''];
  for (const element of [root, ...root.querySelectorAll('*')]) {
    for (const attribute of element.attributes) parts.push(attribute.value);
    if (element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement) parts.push(element.value, element.defaultValue);
  }
  return parts.join('\n');
}

function expectNoLeak(key: string) {
  for (const spy of consoleSpies) expect(JSON.stringify(spy.mock.calls)).not.toContain(key);
  const storage = JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage });
  expect(storage).not.toContain(key);
  expect(window.location.href).not.toContain(key);
}

describe('no leaks', () => {
  it('while masked, the full key is in no text, attribute or field value, before and after Show / Hide', async () => {
    tab = await mountTab({ contactId: 2, hasKey: true, canView: true, keyHint: 'nkey' });
    expect(everythingInTheDom(tab.element)).not.toContain(KEY);
    await tab.click('Show key');
    expect(everythingInTheDom(tab.element)).toContain(KEY);
    await tab.click('Hide key');
    expect(everythingInTheDom(tab.element)).not.toContain(KEY);
    expect(everythingInTheDom(tab.element)).not.toContain(KEY.slice(0, 28));
    expectNoLeak(KEY);
  });

  it('a whole life cycle (generate, copy, test, hide, regenerate, revoke) writes no key to the console, storage or URL', async () => {
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText: () => Promise.resolve() } });
    const fetch = vi.fn(() => Promise.resolve(new Response('HTTP 401 Invalid credential', { status: 401 })));
    vi.stubGlobal('fetch', fetch);
    tab = await mountTab({ contactId: 3, hasKey: false, canView: true });
    await tab.click('Generate key');
    await tab.click('Copy key');
    await tab.click('Test key');
    await tab.click('Hide key');
    await tab.click('Regenerate key');
    tab.crm.answerConfirm('yes');
    await tab.settle();
    await tab.click('Hide key');
    await tab.click('Revoke key');
    tab.crm.answerConfirm('yes');
    await tab.settle();

    const keys = tab.civi.writes.map((write) => write.params.values.api_key).filter(Boolean) as string[];
    expect(keys).toHaveLength(2);
    for (const key of keys) {
      expectNoLeak(key);
      for (const [url] of fetch.mock.calls as unknown as [string][]) expect(url).not.toContain(key);
      expect(everythingInTheDom(tab.element)).not.toContain(key);
    }
  });

  it('failure messages never carry the key or the server text', async () => {
    tab = await mountTab({ contactId: 3, hasKey: false, canView: true });
    tab.civi.failNext({ kind: 'altered', storedAs: 'abcdefghijklmnopqrstuvwxyz012...' });
    await tab.click('Generate key');
    const sent = tab.civi.writes[0].params.values.api_key as string;
    expect(tab.alert()).not.toContain(sent);
    expect(tab.alert()).not.toContain('abcdefghijklmnopqrstuvwxyz012');
    expectNoLeak(sent);
  });

  it('a typed key that fails validation stays only in its own field', async () => {
    tab = await mountTab({ contactId: 3, hasKey: false, canView: true });
    await tab.click('Enter a key');
    const typed = 'Secret typed key with spaces';
    await tab.type(typed);
    await tab.submit();
    const dom = everythingInTheDom(tab.element);
    expect(dom.split(typed).length - 1).toBe(1); // the field's value only, not its error message
    expectNoLeak(typed);
  });
});
