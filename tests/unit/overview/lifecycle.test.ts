// The key overview's Last used and Expires columns, and the longest-unused order (issues 12, 13):
// still one Contact.get a page, with ApiKeyRecord joined in.
import { afterEach, describe, expect, it } from 'vitest';
import { CiviDouble } from '../support/civiDouble';
import { mount, type Mounted } from '../support/mount';

let page: Mounted;
afterEach(() => page?.destroy());

const siteTime = { format: '%B %E%f, %Y %l:%M %P', time_format: '%l:%M %P', locale: 'en_US', now: '2026-12-01 08:30:00' };

/** Contacts 10..14 with keys: 10 used 3 days ago, 11 never, 12 used a year ago, 13 used yesterday, 14 never. */
function site(): CiviDouble {
  const civi = new CiviDouble();
  for (let id = 10; id <= 14; id++) {
    civi.keys.set(id, `integration${id}key${'x'.repeat(14)}${id}ab`);
    civi.names.set(id, `Integration ${id}`);
  }
  civi.lastUsed.set(10, { date: '2026-11-28 10:00:00', ip: '203.0.113.7' });
  civi.lastUsed.set(12, { date: '2025-11-20 09:15:00', ip: '2001:db8::1' });
  civi.lastUsed.set(13, { date: '2026-11-30 18:00:00', ip: '198.51.100.4' });
  civi.expiries.set(10, '2026-12-13 08:30:00');
  civi.expiries.set(12, '2026-11-30 23:59:59');
  return civi;
}

function open(civi = site(), vars: Record<string, unknown> = {}, pageSize = 3) {
  return mount('crmApiKeyOverview', `<crm-api-key-overview page-size="${pageSize}"></crm-api-key-overview>`, {}, civi, {
    apikeytab: { siteTime, ...vars },
  });
}

const rowNames = (mounted: Mounted) => [...mounted.element.querySelectorAll('tbody tr td:first-child')].map((cell) => cell.textContent!.trim());
const row = (mounted: Mounted, name: string) =>
  [...mounted.element.querySelectorAll('tbody tr')].find((tr) => tr.querySelector('td')!.textContent!.trim() === name)!;
const cell = (mounted: Mounted, name: string, className: string) => row(mounted, name).querySelector<HTMLElement>(`.${className}`)!;

async function order(mounted: Mounted, label: string): Promise<void> {
  const select = mounted.field('Order') as unknown as HTMLSelectElement;
  const option = [...select.options].find((candidate) => candidate.textContent!.trim() === label)!;
  select.value = option.value;
  select.dispatchEvent(new Event('change', { bubbles: true }));
  await mounted.settle();
}

describe('the overview\'s use and expiry columns', () => {
  it('joins ApiKeyRecord into the one Contact.get of the page', async () => {
    page = await open();
    expect(page.civi.calls).toHaveLength(1);
    const { params } = page.civi.calls[0];
    expect(params.join).toContainEqual(['ApiKeyRecord AS key_record', 'LEFT', ['id', '=', 'key_record.contact_id']]);
    expect(params.select).toEqual(expect.arrayContaining(['key_record.id', 'key_record.last_used_date', 'key_record.last_used_ip', 'key_record.expires_date']));
    expect(params.orderBy).toEqual({ sort_name: 'ASC', id: 'ASC' });
  });

  it('Last used: the site date with relative words, the address on hover and on a second line', async () => {
    page = await open();
    const used = cell(page, 'Integration 10', 'crm-apikey-last-used');
    expect(used.textContent!.replace(/\s+/g, ' ').trim()).toBe('Last used 3 days ago (November 28th, 2026 10:00 AM)from 203.0.113.7');
    expect(used.getAttribute('title')).toBe('203.0.113.7');
    const never = cell(page, 'Integration 11', 'crm-apikey-last-used');
    expect(never.textContent!.trim()).toBe('Never used');
    expect(never.querySelector('small')).toBeNull();
  });

  it('Last used of a key with no record (older than the extension): "not recorded", as the tab says no use was recorded, not "Never used"', async () => {
    const civi = site();
    civi.unrecorded.add(14);
    page = await open(civi, {}, 10);
    expect(cell(page, 'Integration 14', 'crm-apikey-last-used').textContent!.trim()).toBe('not recorded');
    expect(cell(page, 'Integration 11', 'crm-apikey-last-used').textContent!.trim()).toBe('Never used');
  });

  it('Expires: the end, expired keys marked, keys without an end', async () => {
    page = await open();
    expect(cell(page, 'Integration 10', 'crm-apikey-expires').textContent!.trim()).toBe('Expires December 13th, 2026 8:30 AM (in 12 days)');
    const expired = cell(page, 'Integration 12', 'crm-apikey-expires');
    expect(expired.textContent!.trim()).toBe('Expired November 30th, 2026 11:59 PM');
    expect(expired.classList.contains('crm-error')).toBe(true);
    const open11 = cell(page, 'Integration 11', 'crm-apikey-expires');
    expect(open11.textContent!.trim()).toBe('Does not expire');
    expect(open11.classList.contains('crm-error')).toBe(false);
  });
});

describe('the longest-unused order', () => {
  it('puts never-used keys first, then the oldest use, with one request per page', async () => {
    page = await open();
    await order(page, 'Longest unused first');
    expect(page.civi.calls).toHaveLength(2);
    const { params } = page.civi.calls[1];
    expect(params.orderBy).toEqual({ 'key_record.last_used_date': 'ASC', sort_name: 'ASC', id: 'ASC' });
    expect(params).toMatchObject({ offset: 0, limit: 4 });
    // Standalone Admin (2) and 11, 14 have never been used; 12 a year ago.
    expect(rowNames(page)).toEqual(['Integration 11', 'Integration 14', 'Standalone Admin']);
    await page.click('Next');
    expect(page.civi.calls).toHaveLength(3);
    expect(page.civi.calls[2].params).toMatchObject({ offset: 3, orderBy: { 'key_record.last_used_date': 'ASC', sort_name: 'ASC', id: 'ASC' } });
    expect(rowNames(page)).toEqual(['Integration 12', 'Integration 10', 'Integration 13']);
  });

  it('going back to the name order starts at the first page again', async () => {
    page = await open();
    await order(page, 'Longest unused first');
    await page.click('Next');
    await order(page, 'By name');
    expect(page.civi.calls).toHaveLength(4);
    expect(page.civi.calls[3].params).toMatchObject({ offset: 0, orderBy: { sort_name: 'ASC', id: 'ASC' } });
    expect(rowNames(page)).toEqual(['Integration 10', 'Integration 11', 'Integration 12']);
  });
});

describe('the link to the expiry settings', () => {
  it('is there for administrators', async () => {
    page = await open(site(), { canAdminister: true });
    const link = [...page.element.querySelectorAll('a')].find((a) => a.textContent!.trim() === 'Key expiry settings');
    expect(link?.getAttribute('href')).toBe('/civicrm/admin/setting/apikeytab?reset=1');
  });

  it('is not there for others', async () => {
    page = await open();
    expect(page.text()).not.toContain('Key expiry settings');
  });
});
