import { beforeAll, describe, expect, it } from 'vitest';
import type * as SiteTimeModule from '../../src/shared/siteTime';

// translate.ts asks CRM.ts for the domain's function when it loads; %1 substituted as core's ts().
let mod: typeof SiteTimeModule;
beforeAll(async () => {
  (globalThis as any).CRM = {
    ts: () => (text: string, params?: Record<string, unknown>) => text.replace(/%(\d+)/g, (m, n) => (params && n in params ? String(params[n]) : m)),
  };
  mod = await import('../../src/shared/siteTime');
});

// The defaults of a CiviCRM install (dateformatDatetime, dateformatTime).
const site = { format: '%B %E%f, %Y %l:%M %P', time_format: '%l:%M %P', locale: 'en_US', now: '2026-12-01 07:32:07' };

/** A browser clock the test moves by hand; it starts at an arbitrary instant unrelated to the site's zone. */
function clockAt(start = Date.UTC(2026, 10, 30, 22, 0, 0)) {
  let t = start;
  return { read: () => t, advance: (ms: number) => (t += ms) };
}

describe('SiteClock: the site date format (CRM_Utils_Date::customFormat tokens)', () => {
  it('prints the default format as CiviCRM does beside the tab', () => {
    const clock = new mod.SiteClock(site);
    expect(clock.formatDateTime('2026-12-01 07:32:07')).toBe('December 1st, 2026 7:32 AM');
    expect(clock.formatTime('2026-12-01 19:05:00')).toBe('7:05 PM');
  });

  it('gives every token with core padding', () => {
    const f = (format: string, raw = '2026-03-02 00:05:09') => mod.customFormat(raw, format);
    expect(f('%Y|%y|%m|%d|%e|%E')).toBe('2026|26|03|02| 2|2');
    expect(f('%H|%k|%I|%h|%l|%M|%i|%s|%S|%p|%P')).toBe('00| 0|12|12|12|05|05|09|09|am|AM');
    expect(f('%H|%I|%l|%P', '2026-03-02 12:00:00')).toBe('12|12|12|PM');
    expect(f('%H|%I|%l|%p', '2026-03-02 23:59:00')).toBe('23|11|11|pm');
    expect(f('%A %a %B %b')).toBe('Monday Mon March Mar');
    expect(f('%D')).toBe('03/02/26');
    expect(f('%Z|%q|100%')).toBe('|%q|100%');
  });

  it('gives the English ordinal suffix like core (11th, 12th, 13th, 21st, 22nd, 23rd)', () => {
    const days = [1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 31].map((d) => mod.customFormat(`2026-01-${String(d).padStart(2, '0')} 00:00:00`, '%E%f'));
    expect(days).toEqual(['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '23rd', '31st']);
  });

  it('takes month and day names from the site locale', () => {
    const clock = new mod.SiteClock({ ...site, format: '%A %E %B %Y %H:%M', locale: 'fr_FR' });
    expect(clock.formatDateTime('2026-12-01 07:32:07')).toBe('mardi 1 décembre 2026 07:32');
  });

  it('shows an unreadable date as it came, never a wrong one', () => {
    const clock = new mod.SiteClock(site);
    expect(clock.formatDateTime('just now')).toBe('just now');
    expect(clock.formatDateTime('2026-02-30 10:00:00')).toBe('2026-02-30 10:00:00');
    expect(clock.daysFrom('soon')).toBeNull();
  });

  it('without site time: a plain YYYY-MM-DD HH:MM and the browser clock', () => {
    const browser = clockAt(new Date(2026, 4, 6, 9, 8, 7).getTime());
    const clock = new mod.SiteClock(null, browser.read);
    expect(clock.formatDateTime('2026-12-01 07:32:07')).toBe('2026-12-01 07:32');
    expect(clock.formatTime('2026-12-01 07:32:07')).toBe('07:32');
    expect(clock.now()).toBe('2026-05-06 09:08:07');
  });
});

describe('SiteClock: the site clock', () => {
  it('now() starts at the page time and advances with the browser clock', () => {
    const browser = clockAt();
    const clock = new mod.SiteClock(site, browser.read);
    expect(clock.now()).toBe('2026-12-01 07:32:07');
    browser.advance(17 * 60_000 + 1_000);
    expect(clock.now()).toBe('2026-12-01 07:49:08');
    browser.advance(24 * 3_600_000);
    expect(clock.now()).toBe('2026-12-02 07:49:08');
  });

  it('daysFrom counts calendar days from the site today, not 24-hour spans', () => {
    const clock = new mod.SiteClock({ ...site, now: '2026-12-01 00:10:00' }, clockAt().read);
    expect(clock.daysFrom('2026-12-01 23:59:59')).toBe(0);
    expect(clock.daysFrom('2026-11-30 23:59:00')).toBe(-1);
    expect(clock.daysFrom('2026-11-28 10:00:00')).toBe(-3);
    expect(clock.daysFrom('2026-12-13 00:00:00')).toBe(12);
    expect(clock.daysFrom('2027-03-01')).toBe(90);
  });

  it('fromUnix converts with the offset between the site and the browser', () => {
    const browser = clockAt(Date.UTC(2026, 11, 1, 12, 32, 7)); // the site runs 5 hours behind UTC
    const clock = new mod.SiteClock(site, browser.read);
    expect(clock.fromUnix(Date.UTC(2026, 11, 1, 12, 32, 7) / 1000)).toBe('2026-12-01 07:32:07');
    expect(clock.fromUnix(Date.UTC(2026, 11, 1, 13, 32, 7) / 1000 + 30)).toBe('2026-12-01 08:32:37');
  });

  it('addDays moves by calendar days across months and years, keeping the wall time', () => {
    const clock = new mod.SiteClock(site);
    expect(clock.addDays('2026-12-01 08:30:00', 90)).toBe('2027-03-01 08:30:00');
    expect(clock.addDays('2026-03-01 00:00:00', -1)).toBe('2026-02-28 00:00:00');
    expect(clock.addDays('2028-02-28', 1)).toBe('2028-02-29');
  });
});

describe('relativeDays', () => {
  it('says today, yesterday, tomorrow, N days ago, in N days', () => {
    expect([0, -1, 1, -3, 12].map(mod.relativeDays)).toEqual(['today', 'yesterday', 'tomorrow', '3 days ago', 'in 12 days']);
  });
});

describe('SiteClock offset: zones are whole quarter hours', () => {
  const site = (now: string) => ({ format: '%Y-%m-%d %H:%M:%S', time_format: '%H:%M', locale: 'en_US', now });
  it('a page made a moment before the browser read its clock: the offset is the zone, not short by the load time', () => {
    // Site UTC+1; the page said 13:35:00, the browser reads 12:35:01.800 UTC (1.8 s later).
    const at = Date.parse('2026-12-01T12:35:01.800Z');
    const clock = new mod.SiteClock(site('2026-12-01 13:35:00'), () => at);
    expect(clock.now()).toBe('2026-12-01 13:35:01');
    expect(clock.fromUnix(Date.parse('2026-12-01T12:50:00Z') / 1000)).toBe('2026-12-01 13:50:00');
  });
  it('an offset further than 90 s from a quarter hour is kept as measured (a clock that is off)', () => {
    const at = Date.parse('2026-12-01T12:35:00Z');
    const clock = new mod.SiteClock(site('2026-12-01 13:37:00'), () => at);
    expect(clock.now()).toBe('2026-12-01 13:37:00');
  });
});
