// The site's clock and date format, for the tab and the overview (docs/design-1.1.md).
//
// usage:
//   const clock = new SiteClock(siteTimeBinding);          // or siteClockFromVars() on the overview
//   clock.formatDateTime('2026-12-01 07:32:07')           // "December 1st, 2026 7:32 AM"
//   clock.daysFrom('2026-11-28 10:00:00')                 // -3 (calendar days from the site's today)
//   relativeDays(-3)                                      // "3 days ago"
//
// Dates are raw site-local 'YYYY-MM-DD HH:MM:SS' strings, as CiviCRM stores and sends them; they
// carry no zone. The page tells us the site's "now" when it was made; the offset between that and
// the browser's clock lets now() advance and fromUnix() convert, whatever zone the browser is in.
// Internally a site-local wall time is held as "milliseconds as if it were UTC".
import { ts } from './translate';

/** The `site-time` binding (PHP `site_time`), or CRM.vars.apikeytab.siteTime on the overview. */
export interface SiteTime {
  /** CiviCRM's dateformatDatetime, e.g. '%B %E%f, %Y %l:%M %P'. */
  format: string;
  /** CiviCRM's dateformatTime, e.g. '%l:%M %P'. */
  time_format: string;
  /** CiviCRM's locale, e.g. 'en_US', 'fr_FR'. */
  locale: string;
  /** Site-local now when the page was made. */
  now: string;
}

const FALLBACK_FORMAT = '%Y-%m-%d %H:%M';
const FALLBACK_TIME_FORMAT = '%H:%M';
const DAY_MS = 86_400_000;
const QUARTER_HOUR = 900_000;

const RAW = /^(\d{4})-(\d\d)-(\d\d)(?:[ T](\d\d):(\d\d)(?::(\d\d))?)?$/;

/**
 * A raw site-local date as "milliseconds as if it were UTC" (its wall time), or null when it is
 * not a calendar date: 2026-02-30 would print as another day, so it is refused.
 */
function wallMs(raw: string | null | undefined): number | null {
  const match = typeof raw === 'string' ? RAW.exec(raw.trim()) : null;
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0));
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(ms);
  return check.getUTCMonth() + 1 === month && check.getUTCDate() === day ? ms : null;
}

/** 'YYYY-MM-DD HH:MM:SS' (or the day alone) of a wall time. */
function rawFromWallMs(ms: number, withTime = true): string {
  return new Date(ms).toISOString().slice(0, withTime ? 19 : 10).replace('T', ' ');
}

const pad = (n: number, width = 2, fill = '0'): string => String(n).padStart(width, fill);

/**
 * A month or day name for a CiviCRM locale. Core takes them from ICU (IntlDateFormatter with the
 * patterns MMM/MMMM/E/EEEE, in UTC); the browser's Intl is ICU too, so the names match what core
 * prints beside ours, in every locale, with nothing for us to translate or ship.
 */
function nameOf(date: Date, locale: string, options: Intl.DateTimeFormatOptions): string {
  const make = (tag: string) => new Intl.DateTimeFormat(tag, { ...options, timeZone: 'UTC' });
  try {
    return make(locale.replace(/_/g, '-')).format(date);
  } catch {
    return make('en-US').format(date);
  }
}

/**
 * The tokens of CiviCRM's CRM_Utils_Date::customFormat, with its exact padding: each %x is replaced
 * once, left to right; unknown tokens stay as written; %D means %m/%d/%y. %Z (the server's zone
 * abbreviation) is not known in the browser and prints as nothing. An unparsable date gives ''.
 */
export function customFormat(raw: string, format: string, locale = 'en_US'): string {
  const ms = wallMs(raw);
  if (ms === null) return '';
  const date = new Date(ms);
  // 'YYYY-MM-DD HH:MM:SS' split at its punctuation: the six numbers of the wall time.
  const [year, month, day, hour, minute, second] = rawFromWallMs(ms).split(/\D/).map(Number);
  const hour12 = hour % 12 || 12;
  const meridiem = hour < 12 ? 'AM' : 'PM';
  const tokens: Record<string, string> = {
    A: nameOf(date, locale, { weekday: 'long' }),
    a: nameOf(date, locale, { weekday: 'short' }),
    B: nameOf(date, locale, { month: 'long' }),
    b: nameOf(date, locale, { month: 'short' }),
    d: pad(day),
    e: pad(day, 2, ' '),
    E: String(day),
    // English ordinals as core: 1st 2nd 3rd, but 11th 12th 13th.
    f: (day < 11 || day > 13 ? ['st', 'nd', 'rd'][(day % 10) - 1] : '') || 'th',
    H: pad(hour),
    h: pad(hour12),
    I: pad(hour12),
    k: pad(hour, 2, ' '),
    l: pad(hour12, 2, ' '),
    m: pad(month),
    M: pad(minute),
    i: pad(minute),
    p: meridiem.toLowerCase(),
    P: meridiem,
    Y: String(year),
    y: String(year).slice(2),
    s: pad(second),
    S: pad(second),
    Z: '',
  };
  return format.replace(/%D/g, '%m/%d/%y').replace(/%([A-Za-z])/g, (token, letter: string) => tokens[letter] ?? token);
}

/** A setting of the site-time binding, when it is a non-empty string. */
const setting = (value: unknown, fallback: string): string => (typeof value === 'string' && value) || fallback;

export class SiteClock {
  readonly format: string;
  readonly timeFormat: string;
  readonly locale: string;
  /** Site wall time minus browser time, in milliseconds. */
  private readonly offset: number;

  /**
   * @param site the page's site-time, or null/absent: then '%Y-%m-%d %H:%M' and the browser's own
   *   clock and zone (as good as we can do without the server).
   * @param browserNow the browser clock (tests pass their own).
   */
  constructor(site?: SiteTime | null, private readonly browserNow: () => number = Date.now) {
    const pageNow = wallMs(site?.now);
    const at = browserNow();
    this.format = setting(site?.format, FALLBACK_FORMAT);
    this.timeFormat = setting(site?.time_format, FALLBACK_TIME_FORMAT);
    this.locale = setting(site?.locale, 'en_US');
    // The page's whole-second now was taken a moment before `at`; zones are whole quarter hours,
    // so an offset within 90 s of one is that one (server and browser clocks agree, as a rule).
    const measured = pageNow !== null ? pageNow - at : -new Date(at).getTimezoneOffset() * 60_000;
    const zone = Math.round(measured / QUARTER_HOUR) * QUARTER_HOUR;
    this.offset = Math.abs(measured - zone) <= 90_000 ? zone : measured;
  }

  /** Site-local now, 'YYYY-MM-DD HH:MM:SS', advancing with the browser's clock. */
  now(): string {
    return rawFromWallMs(this.browserNow() + this.offset);
  }

  /** A raw site-local date in the site's date-and-time format; an unreadable one as it came. */
  formatDateTime(raw: string): string {
    return this.show(raw, this.format);
  }

  /** The time of a raw site-local date in the site's time format. */
  formatTime(raw: string): string {
    return this.show(raw, this.timeFormat);
  }

  /** Calendar days from the site's today to the day of `raw`: 0 today, -3 three days ago, 12; null if unreadable. */
  daysFrom(raw: string): number | null {
    const ms = wallMs(raw);
    return ms === null ? null : Math.floor(ms / DAY_MS) - Math.floor((this.browserNow() + this.offset) / DAY_MS);
  }

  /** The site-local raw date of a unix time (seconds), e.g. a token's exp. */
  fromUnix(seconds: number): string {
    return rawFromWallMs(seconds * 1000 + this.offset);
  }

  /** `raw` moved by n calendar days, same wall time (a date without time stays without). */
  addDays(raw: string, n: number): string {
    const ms = wallMs(raw);
    if (ms === null) throw new Error(`not a date: ${raw}`);
    return rawFromWallMs(ms + n * DAY_MS, raw.trim().length > 10);
  }

  /**
   * A raw date in any customFormat format (formatDay gives the date part alone); an unreadable
   * one as it came. Blank padding (%e, %k, %l) collapses on a web page anyway; text-only output
   * says it once.
   */
  show(raw: string, format: string): string {
    return wallMs(raw) === null ? String(raw ?? '') : customFormat(raw, format, this.locale).replace(/\s+/g, ' ').trim();
  }
}

/** "today", "yesterday", "tomorrow", "3 days ago", "in 12 days". */
export function relativeDays(n: number): string {
  if (n === 0) return ts('today');
  if (n === -1) return ts('yesterday');
  if (n === 1) return ts('tomorrow');
  return n < 0 ? ts('%1 days ago', { 1: -n }) : ts('in %1 days', { 1: n });
}

/** The overview page's clock: CRM.vars.apikeytab.siteTime (KeyOverview.php), or the fallback. */
export function siteClockFromVars(): SiteClock {
  const vars = (CRM as { vars?: { apikeytab?: { siteTime?: SiteTime | null } } }).vars;
  return new SiteClock(vars?.apikeytab?.siteTime ?? null);
}
