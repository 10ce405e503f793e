import { beforeAll, describe, expect, it } from 'vitest';
import type * as SiteTimeModule from '../../../src/shared/siteTime';
import type * as ChoiceModule from '../../../src/lifecycle/expiryChoice';

let time: typeof SiteTimeModule;
let mod: typeof ChoiceModule;
beforeAll(async () => {
  (globalThis as any).CRM = {
    ts: () => (s: string, params?: Record<string, unknown>) => s.replace(/%(\d+)/g, (m, n) => (params && n in params ? String(params[n]) : m)),
  };
  time = await import('../../../src/shared/siteTime');
  mod = await import('../../../src/lifecycle/expiryChoice');
});

const site = { format: '%B %E%f, %Y %l:%M %P', time_format: '%l:%M %P', locale: 'en_US', now: '2026-12-01 08:30:00' };
const choose = (policy: { default_days: number | null; max_days: number | null }, current?: string | null) =>
  new mod.ExpiryChoice(policy, new time.SiteClock(site), current);
const labels = (choice: ChoiceModule.ExpiryChoice) => choice.options.map((option) => option.label);
const day = (raw: string) => new Date(`${raw}T00:00:00Z`);

describe('the options the site allows', () => {
  it('offers all five without a maximum', () => {
    expect(labels(choose({ default_days: null, max_days: null }))).toEqual(['Never', '30 days', '90 days', '1 year', 'On a date…']);
  });

  it('with a maximum: no Never, and no fixed option beyond it', () => {
    expect(labels(choose({ default_days: 30, max_days: 90 }))).toEqual(['30 days', '90 days', 'On a date…']);
    expect(labels(choose({ default_days: 7, max_days: 10 }))).toEqual(['On a date…']);
  });

  it('bounds the date field by today and today + the maximum', () => {
    const choice = choose({ default_days: 30, max_days: 90 });
    expect([choice.min, choice.max]).toEqual(['2026-12-01', '2027-03-01']);
    expect(choose({ default_days: null, max_days: null }).max).toBeNull();
  });
});

describe('preselected from the default lifetime', () => {
  it.each([
    [30, '30'],
    [90, '90'],
    [365, '365'],
    [null, 'never'],
  ] as const)('%s days -> %s', (days, option) => {
    expect(choose({ default_days: days, max_days: null }).option).toBe(option);
  });

  it('another number of days: "On a date…" prefilled with today + N', () => {
    const choice = choose({ default_days: 14, max_days: null });
    expect(choice.option).toBe('date');
    expect(choice.date).toEqual(day('2026-12-15'));
  });

  it('no default under a maximum: the longest allowed', () => {
    expect(choose({ default_days: null, max_days: 90 }).option).toBe('90');
    const choice = choose({ default_days: null, max_days: 45 });
    expect([choice.option, choice.date]).toEqual(['date', day('2027-01-15')]);
  });

  it('Change expiry starts from the key\'s present end, or Never', () => {
    const current = choose({ default_days: 30, max_days: null }, '2027-02-10 23:59:59');
    expect([current.option, current.date]).toEqual(['date', day('2027-02-10')]);
    expect(choose({ default_days: 30, max_days: null }, null).option).toBe('never');
  });
});

describe('what a choice sends', () => {
  it('a fixed option: days from now; Never: nothing; a date: that day', () => {
    const choice = choose({ default_days: 90, max_days: null });
    expect(choice.request()).toEqual({ params: { expiresIn: 90 }, day: '2027-03-01', never: false });
    choice.option = 'never';
    expect(choice.request()).toEqual({ params: {}, day: null, never: true });
    choice.option = 'date';
    choice.date = day('2026-12-01');
    expect(choice.request()).toEqual({ params: { expiresOn: '2026-12-01' }, day: '2026-12-01', never: false });
    expect(choice.error).toBe('');
  });

  it('refuses a past date, a date past the maximum and no date, with a message', () => {
    const choice = choose({ default_days: 30, max_days: 90 });
    choice.option = 'date';
    choice.date = day('2026-11-30');
    expect(choice.request()).toBeNull();
    expect(choice.error).toBe('This date has passed.');
    choice.date = day('2027-03-02');
    expect(choice.request()).toBeNull();
    expect(choice.error).toBe('This site allows keys for 90 days at most: choose March 1st, 2027 or earlier.');
    choice.date = null;
    expect(choice.request()).toBeNull();
    expect(choice.error).toBe('Choose a date, or another option.');
    choice.date = day('2027-03-01');
    expect(choice.request()?.params).toEqual({ expiresOn: '2027-03-01' });
    expect(choice.error).toBe('');
  });

  it('says what will change, for the confirmation', () => {
    const choice = choose({ default_days: 365, max_days: null });
    expect(choice.describe(choice.request()!)).toBe('The key will expire on December 1st, 2027.');
    choice.option = 'never';
    expect(choice.describe(choice.request()!)).toBe('The key will no longer expire.');
  });
});

describe('a page left open past midnight', () => {
  it('the bounds and the checks follow the site\'s today, not the day the page opened', () => {
    // The site is 15 h 30 min ahead of the browser's UTC (a whole quarter hour, as zones are).
    let browserNow = Date.parse('2026-12-01T08:29:00Z');
    const clock = new time.SiteClock({ ...site, now: '2026-12-01 23:59:00' }, () => browserNow);
    const choice = new mod.ExpiryChoice({ default_days: 30, max_days: 90 }, clock);
    expect([choice.min, choice.max]).toEqual(['2026-12-01', '2027-03-01']);
    browserNow += 2 * 60_000;
    expect([choice.min, choice.max]).toEqual(['2026-12-02', '2027-03-02']);
    choice.option = 'date';
    choice.date = day('2026-12-01');
    expect(choice.request()).toBeNull();
    expect(choice.error).toBe('This date has passed.');
    choice.date = day('2027-03-02');
    expect(choice.request()?.params).toEqual({ expiresOn: '2027-03-02' });
    choice.option = '30';
    expect(choice.request()?.day).toBe('2027-01-01');
  });
});
