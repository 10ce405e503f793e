// The tab as it opens: everything it needs comes with the page, so opening makes no request.
import { afterEach, describe, expect, it } from 'vitest';
import { mountTab, type MountedTab } from '../support/mount';

let tab: MountedTab;
afterEach(() => tab?.destroy());

describe('opening the tab', () => {
  it('without a key: says so and offers Generate key and Enter a key', async () => {
    tab = await mountTab({ hasKey: false, canView: true });
    expect(tab.text()).toContain('This contact has no API key.');
    expect(tab.buttons()).toEqual(['Generate key', 'Enter a key']);
    expect(tab.button('Generate key').className).toContain('btn-primary');
    expect(tab.civi.calls).toEqual([]);
  });

  it('with a key, for a viewer who may read keys: masked but for its last 4 characters', async () => {
    tab = await mountTab({ hasKey: true, canView: true, keyHint: 'Ab3x' });
    const masked = tab.element.querySelector('.crm-apikey-masked')!;
    expect(masked.textContent).toMatch(/•{28}Ab3x/);
    expect(tab.text()).toContain('hidden, ending in Ab3x');
    expect(tab.buttons()).toEqual(['Show key', 'Copy key', 'Test key', 'Regenerate key', 'Revoke key', 'Enter a key']);
    expect(tab.element.querySelector('input')).toBeNull();
    expect(tab.civi.calls).toEqual([]);
  });

  it('with a key, for a viewer who cannot read keys: says it cannot be displayed again', async () => {
    tab = await mountTab({ hasKey: true, canView: false, keyHint: null });
    expect(tab.text()).toContain('An API key is set. It cannot be displayed again.');
    expect(tab.buttons()).toEqual(['Regenerate key', 'Revoke key', 'Enter a key']);
    expect(tab.element.querySelector('.crm-apikey-masked')).toBeNull();
    expect(tab.civi.calls).toEqual([]);
  });

  it('ignores a hint given to a viewer who cannot read keys', async () => {
    tab = await mountTab({ hasKey: true, canView: false, keyHint: 'Ab3x' });
    expect(tab.text()).not.toContain('Ab3x');
  });

  it('renders a hostile hint as text, never as markup or an expression', async () => {
    tab = await mountTab({ hasKey: true, canView: true, keyHint: '<b>{{' });
    expect(tab.element.querySelector('b')).toBeNull();
    expect(tab.text()).toContain('<b>{{');
  });

  it('uses real buttons that do not submit anything', async () => {
    tab = await mountTab({ hasKey: true, canView: true, keyHint: 'Ab3x' });
    for (const name of tab.buttons()) expect(tab.button(name).type).toBe('button');
  });

  it('shows the last change when the page gives one', async () => {
    tab = await mountTab({ hasKey: true, canView: true, keyHint: 'Ab3x', lastChange: { date: '2026-11-30 09:12', by: 'Standalone Admin' } });
    expect(tab.text()).toContain('Last changed 2026-11-30 09:12 by Standalone Admin');
  });
});
