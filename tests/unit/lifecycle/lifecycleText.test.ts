import { beforeAll, describe, expect, it } from 'vitest';
import type * as SiteTimeModule from '../../../src/shared/siteTime';
import type * as TextModule from '../../../src/lifecycle/lifecycleText';

// translate.ts asks CRM.ts for the domain's function when it loads; %1 substituted as core's ts().
let time: typeof SiteTimeModule;
let text: typeof TextModule;
beforeAll(async () => {
  (globalThis as any).CRM = {
    ts: () => (s: string, params?: Record<string, unknown>) => s.replace(/%(\d+)/g, (m, n) => (params && n in params ? String(params[n]) : m)),
  };
  time = await import('../../../src/shared/siteTime');
  text = await import('../../../src/lifecycle/lifecycleText');
});

const site = { format: '%B %E%f, %Y %l:%M %P', time_format: '%l:%M %P', locale: 'en_US', now: '2026-12-01 08:30:00' };
const policy = { default_days: 90, max_days: null, notice_days: 7 };
const clock = () => new time.SiteClock(site);

describe('last used', () => {
  it('says when, in relative words and the site format, and from which address', () => {
    const lifecycle = { last_used: { date: '2026-11-28 10:00:00', ip: '203.0.113.7' }, expires: null, policy };
    expect(text.lastUsedText(lifecycle, clock())).toBe('Last used 3 days ago (November 28th, 2026 10:00 AM) from 203.0.113.7');
  });

  it('leaves the address out when the viewer may not read it', () => {
    const lifecycle = { last_used: { date: '2026-12-01 07:00:00', ip: null }, expires: null, policy };
    expect(text.lastUsedText(lifecycle, clock())).toBe('Last used today (December 1st, 2026 7:00 AM)');
  });

  it('says "Never used", or since when nothing was recorded for a key older than the record', () => {
    expect(text.lastUsedText({ last_used: null, expires: null, policy }, clock())).toBe('Never used');
    expect(text.lastUsedText({ last_used: null, usage_since: '2026-11-30 14:00:00', expires: null, policy }, clock())).toBe(
      'No use recorded since November 30th, 2026',
    );
  });
});

describe('expiry', () => {
  it('gives the end and how far it is', () => {
    expect(text.expiresText('2026-12-13 08:30:00', clock())).toBe('Expires December 13th, 2026 8:30 AM (in 12 days)');
    expect(text.expiresText('2026-12-02 09:00:00', clock())).toBe('Expires December 2nd, 2026 9:00 AM (tomorrow)');
  });

  it('says "Expires today" for a later hour today, "Expired" once the end has passed', () => {
    expect(text.expiresText('2026-12-01 23:59:59', clock())).toBe('Expires today');
    expect(text.expiresText('2026-12-01 08:00:00', clock())).toBe('Expired December 1st, 2026 8:00 AM');
    expect(text.expiresText('2026-11-20 23:59:59', clock())).toBe('Expired November 20th, 2026 11:59 PM');
    expect(text.hasExpired('2026-12-01 08:00:00', clock())).toBe(true);
    expect(text.hasExpired('2026-12-01 23:59:59', clock())).toBe(false);
    expect(text.hasExpired(null, clock())).toBe(false);
  });

  it('says a key without an end does not expire', () => {
    expect(text.expiresText(null, clock())).toBe('Does not expire');
  });
});

describe('formatDay: the site format without its time', () => {
  it('drops the time part of the site format', () => {
    expect(text.formatDay(clock(), '2027-03-01 08:30:00')).toBe('March 1st, 2027');
    expect(text.formatDay(new time.SiteClock({ ...site, format: '%d/%m/%Y %H:%M', time_format: '%H:%M' }), '2027-03-01')).toBe('01/03/2027');
  });

  it('keeps the whole format when the time part is not where it can be cut off', () => {
    const odd = new time.SiteClock({ ...site, format: '%H:%M on %d.%m.%Y', time_format: '%H:%M' });
    expect(text.formatDay(odd, '2027-03-01 08:30:00')).toBe('08:30 on 01.03.2027');
  });
});
