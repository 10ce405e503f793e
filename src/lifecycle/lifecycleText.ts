// What the tab and the overview say about a key's use and end (docs/design-1.1.md, `lifecycle`).
//
// usage: lastUsedText(lifecycle, clock)   // "Last used 3 days ago (November 28th, 2026 10:00 AM) from 203.0.113.7"
//        expiresText(lifecycle.expires, clock)   // "Expires March 1st, 2027 8:30 AM (in 90 days)"
import { relativeDays, type SiteClock } from '../shared/siteTime';
import { ts } from '../shared/translate';

/** The site's limits (settings apikeytab_default_lifetime, _max_lifetime, _reminder_days); null: never / none. */
export interface ExpiryPolicy {
  default_days: number | null;
  max_days: number | null;
  notice_days?: number | null;
}

/** The `lifecycle` binding; raw site-local dates 'YYYY-MM-DD HH:MM:SS'. */
export interface Lifecycle {
  /** Null: never used since the key was set (or since usage_since). ip is null for viewers who may not read keys. */
  last_used: { date: string; ip: string | null } | null;
  /** Set when the record only began then (a key older than the extension, or changed outside the API). */
  usage_since?: string | null;
  /** Null: the key does not expire. */
  expires: string | null;
  policy: ExpiryPolicy;
}

/**
 * The day alone, in the site's format: its date-and-time format without the time part (CiviCRM's
 * defaults are '%B %E%f, %Y %l:%M %P' and '%l:%M %P'). A format that does not end with its time
 * format is used whole, time and all, rather than guessed at.
 */
export function formatDay(clock: SiteClock, raw: string): string {
  const at = clock.format.lastIndexOf(clock.timeFormat);
  if (at < 1) return clock.formatDateTime(raw);
  return clock.show(raw, clock.format.slice(0, at)) || clock.formatDateTime(raw);
}

/** "3 days ago", or nothing when the date cannot be read. */
function relative(clock: SiteClock, raw: string): string {
  const days = clock.daysFrom(raw);
  return days === null ? '' : relativeDays(days);
}

export function lastUsedText(lifecycle: Lifecycle, clock: SiteClock): string {
  const used = lifecycle.last_used;
  if (used && used.date) {
    const params = { 1: relative(clock, used.date), 2: clock.formatDateTime(used.date), 3: used.ip };
    return used.ip ? ts('Last used %1 (%2) from %3', params) : ts('Last used %1 (%2)', params);
  }
  return lifecycle.usage_since ? ts('No use recorded since %1', { 1: formatDay(clock, lifecycle.usage_since) }) : ts('Never used');
}

/** Raw dates of one format compare as strings; the end has passed once the site's now reaches it. */
export function hasExpired(expires: string | null | undefined, clock: SiteClock): boolean {
  return !!expires && expires <= clock.now();
}

export function expiresText(expires: string | null | undefined, clock: SiteClock): string {
  if (!expires) return ts('Does not expire');
  if (hasExpired(expires, clock)) return ts('Expired %1', { 1: clock.formatDateTime(expires) });
  if (clock.daysFrom(expires) === 0) return ts('Expires today');
  return ts('Expires %1 (%2)', { 1: clock.formatDateTime(expires), 2: relative(clock, expires) });
}
