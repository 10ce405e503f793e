// What the page says about the viewer and the contact (1.1): may they change the key (can-edit),
// is the contact in the trash (in-trash), and the way to the key overview for those who may read keys.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mountTab, type MountedTab } from '../support/mount';

let tab: MountedTab;
const KEY = 'adminkeyadminkeyadminkeyadminkey';
const READ_ONLY = 'You cannot edit this contact, so you cannot change its key.';
const TRASHED = 'This contact is in the trash. Its API key still works until it is revoked.';

afterEach(() => {
  tab?.destroy();
  vi.unstubAllGlobals();
});

describe('a viewer who may read keys but not edit the contact (can-edit false)', () => {
  it('sees the masked key with Show, Copy and Test, the usage help, and why nothing else is offered', async () => {
    tab = await mountTab({ contactId: 2, hasKey: true, canView: true, keyHint: 'nkey', canEdit: false });
    expect(tab.text()).toContain('hidden, ending in nkey');
    expect(tab.buttons()).toEqual(['Show key', 'Copy key', 'Test key']);
    expect(tab.text()).toContain(READ_ONLY);
    expect(tab.text()).toContain('How to use this key');
    expect(tab.civi.calls).toEqual([]);
  });

  it('Show key shows the key, and still offers no change', async () => {
    tab = await mountTab({ contactId: 2, hasKey: true, canView: true, keyHint: 'nkey', canEdit: false });
    await tab.click('Show key');
    expect(tab.field('Current API key').value).toBe(KEY);
    expect(tab.buttons()).toEqual(['Hide key', 'Copy key', 'Test key']);
    expect(tab.element.querySelector('form')).toBeNull();
    expect(tab.civi.writes).toEqual([]);
  });

  it('a contact without a key: no Generate, no Enter a key, and the reason', async () => {
    tab = await mountTab({ contactId: 3, hasKey: false, canView: true, canEdit: false });
    expect(tab.text()).toContain('This contact has no API key.');
    expect(tab.text()).toContain('You cannot edit this contact, so you cannot give it a key.');
    expect(tab.buttons()).toEqual([]);
  });

  it('says nothing of it when the viewer may edit, or when the page does not say (as in 1.0)', async () => {
    for (const canEdit of [true, undefined]) {
      tab = await mountTab({ contactId: 2, hasKey: true, canView: true, keyHint: 'nkey', ...(canEdit === undefined ? {} : { canEdit }) });
      expect(tab.buttons()).toEqual(['Show key', 'Copy key', 'Test key', 'Regenerate key', 'Revoke key', 'Enter a key']);
      expect(tab.text()).not.toContain('cannot edit this contact');
      tab.destroy();
    }
  });
});

describe('a contact in the trash (in-trash true)', () => {
  it('says its key still works until revoked, and keeps every action', async () => {
    tab = await mountTab({ contactId: 2, hasKey: true, canView: true, keyHint: 'nkey', inTrash: true });
    expect(tab.text()).toContain(TRASHED);
    expect(tab.buttons()).toContain('Revoke key');
  });

  it('without a key: only that it is in the trash', async () => {
    tab = await mountTab({ contactId: 3, hasKey: false, canView: true, inTrash: true });
    expect(tab.text()).toContain('This contact is in the trash.');
    expect(tab.text()).not.toContain('still works');
  });

  it('after Revoke: no longer says a key works', async () => {
    tab = await mountTab({ contactId: 2, hasKey: true, canView: true, keyHint: 'nkey', inTrash: true });
    await tab.click('Revoke key');
    tab.crm.answerConfirm('yes');
    await tab.settle();
    expect(tab.text()).not.toContain('still works');
  });

  it('says nothing of the trash otherwise', async () => {
    tab = await mountTab({ contactId: 2, hasKey: true, canView: true, keyHint: 'nkey', inTrash: false });
    expect(tab.text()).not.toContain('trash');
  });
});

describe('the link to all API keys', () => {
  it('leads viewers who may read keys to the key overview', async () => {
    tab = await mountTab({ contactId: 2, hasKey: true, canView: true, keyHint: 'nkey' });
    const links = [...tab.element.querySelectorAll('a')].filter((a) => a.textContent?.trim() === 'All API keys');
    expect(links).toHaveLength(1);
    expect(links[0].getAttribute('href')).toBe('/civicrm/admin/apikeys');
  });

  it('is not shown to viewers the overview refuses', async () => {
    tab = await mountTab({ contactId: 2, hasKey: true, canView: false });
    expect(tab.text()).not.toContain('All API keys');
    expect(tab.element.querySelector('a[href*="apikeys"]')).toBeNull();
  });
});
