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

interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  hasTime: boolean;
}

const RAW = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

function parse(raw: string | null | undefined): Parts | null {
  const match = typeof raw === 'string' ? RAW.exec(raw.trim()) : null;
  if (!match) return null;
  const [, year, month, day, hour, minute, second] = match;
  const parts = {
    year: Number(year),
    month: Number(month),
    day: Number(day),
    hour: Number(hour ?? 0),
    minute: Number(minute ?? 0),
    second: Number(second ?? 0),
    hasTime: hour !== undefined,
  };
  // Refuse what is not a calendar date (2026-02-30), as it would print as another day.
  const check = new Date(wallMs(parts));
  if (check.getUTCMonth() + 1 !== parts.month || check.getUTCDate() !== parts.day) return null;
  return parts;
}

function wallMs(parts: Parts): number {
  return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

function rawFromWallMs(ms: number, withTime = true): string {
  const date = new Date(ms);
  const day = `${String(date.getUTCFullYear()).padStart(4, '0')}-${pad2(date.getUTCMonth() + 1)}-${pad2(date.getUTCDate())}`;
  return withTime ? `${day} ${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())}:${pad2(date.getUTCSeconds())}` : day;
}

/**
 * Month and day names for a CiviCRM locale. Core takes them from ICU (IntlDateFormatter with the
 * patterns MMM/MMMM/E/EEEE, in UTC); the browser's Intl is ICU too, so the names match what core
 * prints beside ours, in every locale, with nothing for us to translate or ship.
 */
interface Names {
  fullMonths: string[];
  abbrMonths: string[];
  fullDays: string[];
  abbrDays: string[];
}

const namesByLocale = new Map<string, Names>();

function namesFor(locale: string): Names {
  const cached = namesByLocale.get(locale);
  if (cached) return cached;
  const tag = locale.replace(/_/g, '-');
  const make = (options: Intl.DateTimeFormatOptions) => {
    try {
      return new Intl.DateTimeFormat(tag, { ...options, timeZone: 'UTC' });
    } catch {
      return new Intl.DateTimeFormat('en-US', { ...options, timeZone: 'UTC' });
    }
  };
  const month = (style: 'long' | 'short') => {
    const format = make({ month: style });
    return Array.from({ length: 12 }, (_, i) => format.format(Date.UTC(2001, i, 1)));
  };
  // 2001-01-07 was a Sunday: index 0 is Sunday, as date('w') in core.
  const weekday = (style: 'long' | 'short') => {
    const format = make({ weekday: style });
    return Array.from({ length: 7 }, (_, i) => format.format(Date.UTC(2001, 0, 7 + i)));
  };
  const names = { fullMonths: month('long'), abbrMonths: month('short'), fullDays: weekday('long'), abbrDays: weekday('short') };
  namesByLocale.set(locale, names);
  return names;
}

function ordinalSuffix(day: number): string {
  if (day % 10 === 1 && day !== 11) return 'st';
  if (day % 10 === 2 && day !== 12) return 'nd';
  if (day % 10 === 3 && day !== 13) return 'rd';
  return 'th';
}

/**
 * The tokens of CiviCRM's CRM_Utils_Date::customFormat, with its exact padding: each %x is replaced
 * once, left to right; unknown tokens stay as written; %D means %m/%d/%y. %Z (the server's zone
 * abbreviation) is not known in the browser and prints as nothing. An unparsable date gives ''.
 */
export function customFormat(raw: string, format: string, locale = 'en_US'): string {
  const parts = parse(raw);
  if (!parts) return '';
  const names = namesFor(locale);
  const { year, month, day, hour, minute, second } = parts;
  const hour12 = hour % 12 === 0 ? 12 : hour % 12;
  const meridiem = hour < 12 ? 'AM' : 'PM';
  const weekday = new Date(wallMs(parts)).getUTCDay();
  const blank2 = (n: number) => String(n).padStart(2, ' ');
  const tokens: Record<string, string> = {
    A: names.fullDays[weekday],
    a: names.abbrDays[weekday],
    b: names.abbrMonths[month - 1],
    B: names.fullMonths[month - 1],
    d: pad2(day),
    e: blank2(day),
    E: String(day),
    f: ordinalSuffix(day),
    H: pad2(hour),
    h: pad2(hour12),
    I: pad2(hour12),
    k: blank2(hour),
    l: blank2(hour12),
    m: pad2(month),
    M: pad2(minute),
    i: pad2(minute),
    p: meridiem.toLowerCase(),
    P: meridiem,
    Y: String(year),
    y: String(year).slice(2),
    s: pad2(second),
    S: pad2(second),
    Z: '',
  };
  return format.replace(/%D/g, '%m/%d/%y').replace(/%([A-Za-z])/g, (token, letter: string) => tokens[letter] ?? token);
}

/** Blank padding (%e, %k, %l) collapses on a web page anyway; text-only output says it once. */
function tidy(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

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
    const pageNow = site ? parse(site.now) : null;
    const at = browserNow();
    this.format = (site && typeof site.format === 'string' && site.format) || FALLBACK_FORMAT;
    this.timeFormat = (site && typeof site.time_format === 'string' && site.time_format) || FALLBACK_TIME_FORMAT;
    this.locale = (site && typeof site.locale === 'string' && site.locale) || 'en_US';
    this.offset = pageNow ? wallMs(pageNow) - at : -new Date(at).getTimezoneOffset() * 60_000;
  }

  /** Site-local now, 'YYYY-MM-DD HH:MM:SS', advancing with the browser's clock. */
  now(): string {
    return rawFromWallMs(this.browserNow() + this.offset);
  }

  /** A raw site-local date in the site's date-and-time format; an unreadable one as it came. */
  formatDateTime(raw: string): string {
    return parse(raw) ? tidy(customFormat(raw, this.format, this.locale)) : String(raw ?? '');
  }

  /** The time of a raw site-local date in the site's time format. */
  formatTime(raw: string): string {
    return parse(raw) ? tidy(customFormat(raw, this.timeFormat, this.locale)) : String(raw ?? '');
  }

  /** Calendar days from the site's today to the day of `raw`: 0 today, -3 three days ago, 12; null if unreadable. */
  daysFrom(raw: string): number | null {
    const parts = parse(raw);
    if (!parts) return null;
    const today = parse(this.now().slice(0, 10)) as Parts;
    return Math.round((Date.UTC(parts.year, parts.month - 1, parts.day) - wallMs(today)) / DAY_MS);
  }

  /** The site-local raw date of a unix time (seconds), e.g. a token's exp. */
  fromUnix(seconds: number): string {
    return rawFromWallMs(seconds * 1000 + this.offset);
  }

  /** `raw` moved by n calendar days, same wall time (a date without time stays without). */
  addDays(raw: string, n: number): string {
    const parts = parse(raw);
    if (!parts) throw new Error(`not a date: ${raw}`);
    return rawFromWallMs(wallMs(parts) + n * DAY_MS, parts.hasTime);
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
