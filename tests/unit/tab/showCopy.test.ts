// Show key and Copy key fetch the key (one Contact.get) unless it is on screen already.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mountTab, type MountedTab } from '../support/mount';

let tab: MountedTab;
const KEY = 'adminkeyadminkeyadminkeyadminkey';

afterEach(() => {
  tab?.destroy();
  vi.unstubAllGlobals();
});

function stubClipboard(writeText: (text: string) => Promise<void>) {
  vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
}

describe('Show key', () => {
  it('fetches the key with one Contact.get and shows it; Hide masks it again', async () => {
    tab = await mountTab({ contactId: 2, hasKey: true, canView: true, keyHint: 'nkey' });
    await tab.click('Show key');
    expect(tab.civi.calls).toEqual([{ entity: 'Contact', action: 'get', params: { select: ['api_key'], where: [['id', '=', 2]] } }]);
    expect(tab.field('Current API key').value).toBe(KEY);
    expect(tab.buttons()).toEqual(['Hide key', 'Copy key', 'Test key', 'Regenerate key', 'Revoke key', 'Enter a key']);
    expect(document.activeElement).toBe(tab.button('Hide key'));

    await tab.click('Hide key');
    expect(tab.element.outerHTML).not.toContain(KEY);
    await tab.click('Show key');
    expect(tab.civi.calls).toHaveLength(2);
  });

  it('when the key was changed elsewhere: shows the current key, under the notice', async () => {
    tab = await mountTab({ contactId: 2, hasKey: true, canView: true, keyHint: 'Ab3x' });
    await tab.click('Show key');
    expect(tab.status()).toBe('The key was changed elsewhere. This is the current one.');
    expect(tab.field('Current API key').value).toBe(KEY);
    expect(tab.civi.calls).toHaveLength(1);
    expect(document.activeElement).toBe(tab.button('Hide key'));
    await tab.click('Hide key');
    expect(tab.text()).toContain(`hidden, ending in ${KEY.slice(-4)}`);
  });

  it('when the key was changed elsewhere, Copy and Test stop so the user decides again', async () => {
    const writeText = vi.fn(() => Promise.resolve());
    stubClipboard(writeText);
    const fetchSpy = vi.fn(() => Promise.reject(new Error('no network in this test')));
    vi.stubGlobal('fetch', fetchSpy);
    tab = await mountTab({ contactId: 2, hasKey: true, canView: true, keyHint: 'Ab3x' });
    await tab.click('Copy key');
    expect(writeText).not.toHaveBeenCalled();
    expect(tab.status()).toBe('The key was changed elsewhere. This is the current one.');
    expect(tab.element.outerHTML).not.toContain(KEY);

    tab.destroy();
    tab = await mountTab({ contactId: 2, hasKey: true, canView: true, keyHint: 'Ab3x' });
    await tab.click('Test key');
    expect(fetchSpy).not.toHaveBeenCalled();
    expect(tab.status()).toBe('The key was changed elsewhere. This is the current one.');
    // Decided again: now it copies the key it told about.
    await tab.click('Copy key');
    expect(writeText).toHaveBeenCalledWith(KEY);
  });

  it('when the key was revoked elsewhere: the tab falls back to "no key"', async () => {
    tab = await mountTab({ contactId: 3, hasKey: true, canView: true, keyHint: 'Ab3x' });
    await tab.click('Show key');
    expect(tab.status()).toBe('The key was removed elsewhere.');
    expect(tab.text()).toContain('This contact has no API key.');
    expect(tab.crm.counts).toEqual([{ selector: '#tab_apikey', count: 0 }]);
  });

  // The tab keeps no full key off screen, so it tells a change by the last 4 characters (a new key
  // ending in the same four, about 1 in 15 million, would go unnoticed).
  it('notices a change made elsewhere after its own save and Hide key, by the last 4 characters', async () => {
    tab = await mountTab({ contactId: 3, hasKey: false, canView: true });
    await tab.click('Generate key');
    const mine = tab.civi.writes[0].params.values.api_key as string;
    await tab.click('Hide key');
    tab.civi.keys.set(3, 'X'.repeat(28) + (mine.endsWith('Zq9X') ? 'Zq9Y' : 'Zq9X'));
    await tab.click('Show key');
    expect(tab.status()).toBe('The key was changed elsewhere. This is the current one.');
  });
});

describe('Copy key', () => {
  it('while masked: fetches once, copies, and keeps the key off the page', async () => {
    const writeText = vi.fn(() => Promise.resolve());
    stubClipboard(writeText);
    tab = await mountTab({ contactId: 2, hasKey: true, canView: true, keyHint: 'nkey' });
    await tab.click('Copy key');
    expect(tab.civi.calls).toHaveLength(1);
    expect(writeText).toHaveBeenCalledWith(KEY);
    expect(tab.status()).toContain('Key copied');
    expect(tab.element.outerHTML).not.toContain(KEY);
    expect(document.activeElement).toBe(tab.button('Copy key'));
  });

  it('while the key is on screen: copies it without a request', async () => {
    const writeText = vi.fn(() => Promise.resolve());
    stubClipboard(writeText);
    tab = await mountTab({ contactId: 3, hasKey: false, canView: true });
    await tab.click('Generate key');
    const key = tab.civi.writes[0].params.values.api_key;
    await tab.click('Copy key');
    expect(tab.civi.calls).toHaveLength(1);
    expect(writeText).toHaveBeenCalledWith(key);
  });

  it('when the browser refuses the clipboard: shows the key selected and says how to copy it', async () => {
    stubClipboard(() => Promise.reject(new DOMException('denied', 'NotAllowedError')));
    tab = await mountTab({ contactId: 2, hasKey: true, canView: true, keyHint: 'nkey' });
    await tab.click('Copy key');
    const field = tab.field('Current API key');
    expect(field.value).toBe(KEY);
    expect(document.activeElement).toBe(field);
    expect(field.selectionStart).toBe(0);
    expect(field.selectionEnd).toBe(KEY.length);
    expect(tab.status()).toContain('Ctrl+C');
  });

  it('without any clipboard API: the same fallback', async () => {
    stubClipboard(undefined as never);
    vi.stubGlobal('navigator', { ...navigator, clipboard: undefined });
    tab = await mountTab({ contactId: 2, hasKey: true, canView: true, keyHint: 'nkey' });
    await tab.click('Copy key');
    expect(tab.field('Current API key').value).toBe(KEY);
  });
});
