// The key overview page: who holds a key, one Contact.get a page, Revoke confirmed.
import { afterEach, describe, expect, it } from 'vitest';
import { CiviDouble } from '../support/civiDouble';
import { mount, type Mounted } from '../support/mount';

let page: Mounted;
afterEach(() => page?.destroy());

/** Seven contacts with keys (ids 10..16, "Integration 10".."Integration 16") besides the admin. */
function siteWithKeys(): CiviDouble {
  const civi = new CiviDouble();
  for (let id = 10; id <= 16; id++) {
    civi.keys.set(id, `integration${id}key${'x'.repeat(14)}${id}ab`);
    civi.names.set(id, `Integration ${id}`);
  }
  civi.lastChanged.set(10, '2026-11-02 08:30:00');
  return civi;
}

/** canEditAll: the viewer has "edit all contacts", so core would let them revoke any key (wire 38). */
function open(civi = siteWithKeys(), pageSize = 3, canEditAll = true) {
  return mount('crmApiKeyOverview', `<crm-api-key-overview page-size="${pageSize}"></crm-api-key-overview>`, {}, civi, { apikeytab: { canEditAll } });
}

/** Each row has its own Revoke key button; this clicks the one of contact `id`. */
async function revokeRow(mounted: Mounted, id: number) {
  mounted.element.querySelector<HTMLButtonElement>(`[data-focus="revoke-${id}"]`)!.click();
  await mounted.settle();
}

const rowNames = (mounted: Mounted) => [...mounted.element.querySelectorAll('tbody tr td:first-child')].map((cell) => cell.textContent!.trim());

describe('the key overview', () => {
  it('lists a page with one Contact.get that never asks for the key itself', async () => {
    page = await open();
    expect(page.civi.calls).toHaveLength(1);
    const [{ entity, action, params }] = page.civi.calls;
    expect([entity, action]).toEqual(['Contact', 'get']);
    expect(params.select).not.toContain('api_key');
    expect(params.select).toContain('RIGHT(api_key, 4) AS key_hint');
    expect(params.where).toEqual([['api_key', 'IS NOT EMPTY'], ['is_deleted', 'IN', [false, true]]]);
    expect(params).toMatchObject({ limit: 4, offset: 0 });
    expect(rowNames(page)).toEqual(['Integration 10', 'Integration 11', 'Integration 12']);
  });

  it('shows each key masked to its last 4, the last change, and links to the contact\'s API Key tab', async () => {
    page = await open();
    const first = page.element.querySelector('tbody tr')!;
    const key = page.civi.keys.get(10)!;
    expect(first.textContent).toContain(`••••${key.slice(-4)}`);
    expect(first.textContent).toContain('2026-11-02 08:30');
    expect(page.element.querySelectorAll('tbody tr')[1].textContent).toContain('not recorded');
    expect(first.querySelector('a')!.getAttribute('href')).toBe('/civicrm/contact/view?reset=1&cid=10&selectedChild=apikey');
    expect(page.element.outerHTML).not.toContain(key);
  });

  it('pages forward and back, one request a page, with Previous and Next disabled at the ends', async () => {
    page = await open();
    expect(page.button('Previous').disabled).toBe(true);
    await page.click('Next');
    expect(rowNames(page)).toEqual(['Integration 13', 'Integration 14', 'Integration 15']);
    expect(page.text()).toContain('Contacts 4 to 6');
    await page.click('Next');
    expect(rowNames(page)).toEqual(['Integration 16', 'Standalone Admin']);
    expect(page.button('Next').disabled).toBe(true);
    expect(document.activeElement).toBe(page.button('Previous'));
    await page.click('Previous');
    expect(rowNames(page)[0]).toBe('Integration 13');
    expect(page.civi.calls.map((call) => call.params.offset)).toEqual([0, 3, 6, 3]);
  });

  it('Revoke asks first, naming the contact; Cancel sends nothing', async () => {
    page = await open();
    await revokeRow(page, 10);
    expect(page.crm.confirms[0].message).toContain('Integration 10');
    expect(page.crm.confirms[0].options).toEqual({ no: 'Cancel', yes: 'Revoke' });
    page.crm.answerConfirm('no');
    await page.settle();
    expect(page.civi.writes).toEqual([]);
    expect(rowNames(page)).toHaveLength(3);
  });

  it('Revoke sends one update with api_key null and takes the row away', async () => {
    page = await open();
    await revokeRow(page, 10);
    page.crm.answerConfirm('yes');
    await page.settle();
    expect(page.civi.writes.map((call) => call.params)).toEqual([{ where: [['id', '=', 10]], values: { api_key: null } }]);
    expect(rowNames(page)).toEqual(['Integration 11', 'Integration 12']);
    expect(page.status()).toContain('The API key of Integration 10 was revoked.');
    expect(document.activeElement?.getAttribute('data-focus')).toBe('revoke-11');
  });

  it('shows a hostile name as text in the confirmation, which CRM.confirm renders as HTML', async () => {
    const civi = siteWithKeys();
    civi.names.set(10, '<img src=x onerror=alert(1)>Mallory');
    page = await open(civi);
    await revokeRow(page, 10);
    const dialog = page.crm.confirms[0].dialog[0];
    expect(dialog.querySelector('img')).toBeNull();
    expect(dialog.textContent).toContain('<img src=x onerror=alert(1)>Mallory will have no API key.');
    expect(page.element.querySelector('tbody img')).toBeNull();
  });

  it('after a revoke, Next starts right after the rows still shown: nobody is skipped', async () => {
    page = await open();
    await revokeRow(page, 11);
    page.crm.answerConfirm('yes');
    await page.settle();
    expect(rowNames(page)).toEqual(['Integration 10', 'Integration 12']);
    await page.click('Next');
    expect(rowNames(page)).toEqual(['Integration 13', 'Integration 14', 'Integration 15']);
  });

  it('revoking the last row of a later page shows the page before it', async () => {
    page = await open(siteWithKeys(), 7);
    await page.click('Next');
    expect(rowNames(page)).toEqual(['Standalone Admin']);
    await revokeRow(page, 2);
    page.crm.answerConfirm('yes');
    await page.settle();
    expect(rowNames(page)).toHaveLength(7);
    expect(rowNames(page)[0]).toBe('Integration 10');
    expect(page.status()).toContain('The API key of Standalone Admin was revoked.');
  });

  it('a failed revoke keeps the row and says why', async () => {
    page = await open();
    await revokeRow(page, 10);
    page.civi.failNext({ kind: 'status', body: { error_code: '1', error_message: 'Sorry', status: 403 } });
    page.crm.answerConfirm('yes');
    await page.settle();
    expect(page.alert()).toContain('The key was not changed.');
    expect(page.alert()).toContain('do not have permission');
    expect(rowNames(page)[0]).toBe('Integration 10');
  });

  it('a failed listing says so instead of claiming nobody has a key', async () => {
    const civi = siteWithKeys();
    civi.failNext({ kind: 'unreachable' });
    page = await open(civi);
    expect(page.alert()).toContain('The list could not be loaded.');
    expect(page.text()).not.toContain('No contact has an API key.');
  });

  it('a viewer who may not read keys gets a refusal, not a list of every contact', async () => {
    const civi = siteWithKeys();
    civi.permissions = new Set(['edit own api keys']);
    page = await open(civi);
    expect(page.alert()).toContain('do not have permission');
    expect(page.element.querySelector('table')).toBeNull();
  });

  it('lists contacts in the trash too, marked "in trash" (their keys still work)', async () => {
    const civi = siteWithKeys();
    civi.trashed.add(11);
    page = await open(civi);
    expect(page.civi.calls[0].params.select).toContain('is_deleted');
    expect(rowNames(page).map((name) => name.replace(/\s+/g, ' '))).toEqual(['Integration 10', 'Integration 11 in trash', 'Integration 12']);
    expect(page.element.querySelectorAll('.crm-apikey-in-trash')).toHaveLength(1);
  });

  it('shows dates in the site format CRM.vars.apikeytab.siteTime gives', async () => {
    const civi = siteWithKeys();
    const crmVars = { apikeytab: { siteTime: { format: '%B %E%f, %Y %l:%M %P', time_format: '%l:%M %P', locale: 'en_US', now: '2026-12-01 08:00:00' } } };
    page = await mount('crmApiKeyOverview', '<crm-api-key-overview page-size="3"></crm-api-key-overview>', {}, civi, crmVars);
    expect(page.element.querySelector('tbody tr')!.textContent).toContain('November 2nd, 2026 8:30 AM');
  });

  it('without "edit all contacts" offers no Revoke (core would refuse it, wire 38), and says where to revoke', async () => {
    page = await open(siteWithKeys(), 3, false);
    expect(rowNames(page)).toHaveLength(3);
    expect(page.buttons().filter((name) => name.startsWith('Revoke'))).toEqual([]);
    expect(page.text()).toContain('To revoke a key, open the contact’s API Key tab.');
  });

  it('says when no contact has a key', async () => {
    const civi = new CiviDouble();
    civi.keys.set(2, null);
    page = await open(civi);
    expect(page.text()).toContain('No contact has an API key.');
    expect(page.element.querySelector('table')).toBeNull();
  });
});
