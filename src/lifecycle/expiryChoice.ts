// The "Expires" choice beside Generate key, Regenerate key and Save key, and in Change expiry:
// which options the site's policy allows, which one is preselected, and what a choice sends.
//
// usage: const choice = new ExpiryChoice(lifecycle.policy, clock);
//        const request = choice.request();   // null: choice.error says why, and nothing is sent
//        if (request && !request.never) keys.setExpiry(cid, request.params)
import type { SiteClock } from '../shared/siteTime';
import { ts } from '../shared/translate';
import { formatDay, type ExpiryPolicy } from './lifecycleText';

export type ExpiryOption = 'never' | '30' | '90' | '365' | 'date';

/** ApiKeyRecord.setExpiry's parameters besides contactId; {} means "never". */
export interface ExpiryParams {
  expiresIn?: number;
  expiresOn?: string;
}

export interface ExpiryRequest {
  params: ExpiryParams;
  /** The chosen end as a raw day 'YYYY-MM-DD', or null for never: what the confirmation says. */
  day: string | null;
  never: boolean;
}

/** A day of the date field's model (AngularJS gives a Date at UTC midnight, ng-model-options timezone UTC). */
function dayOf(date: Date | null | undefined): string | null {
  return date instanceof Date && !Number.isNaN(date.getTime()) ? date.toISOString().slice(0, 10) : null;
}

function dateOf(day: string): Date {
  return new Date(`${day}T00:00:00Z`);
}

export class ExpiryChoice {
  readonly options: Array<{ value: ExpiryOption; label: string }>;
  option: ExpiryOption;
  /** The date field's model, used when option is 'date'. */
  date: Date | null = null;
  error = '';
  private readonly maxDays: number | null;

  /**
   * @param current for Change expiry: the key's present end (raw), preselected as a date; null
   *   preselects Never. Absent: a new key, preselected from the site's default lifetime.
   */
  constructor(
    private readonly policy: ExpiryPolicy,
    private readonly clock: SiteClock,
    current?: string | null,
  ) {
    const maxDays = positive(policy.max_days);
    this.maxDays = maxDays;
    const labels: Record<ExpiryOption, string> = {
      never: ts('Never'),
      30: ts('30 days'),
      90: ts('90 days'),
      365: ts('1 year'),
      date: ts('On a date…'),
    };
    // "Never" only without a maximum; a fixed lifetime only within it; a date always.
    // Listed, not Object.keys(labels): integer-like keys would come first.
    const allowed = (['never', '30', '90', '365', 'date'] as const).filter((option) =>
      option === 'never' ? maxDays === null : option === 'date' || maxDays === null || Number(option) <= maxDays,
    );
    this.options = allowed.map((value) => ({ value, label: labels[value] }));

    if (current !== undefined) {
      this.option = current ? 'date' : maxDays === null ? 'never' : 'date';
      this.date = current ? dateOf(current.slice(0, 10)) : this.max ? dateOf(this.max) : null;
      return;
    }
    // A default of "never" under a maximum cannot be offered: the longest allowed stands in.
    const days = positive(policy.default_days) ?? maxDays;
    const fixed = allowed.find((option) => Number(option) === days);
    this.option = days === null ? 'never' : fixed ?? 'date';
    if (this.option === 'date' && days !== null) this.date = dateOf(clock.addDays(this.min, days));
  }

  /** The date field's lower bound, 'YYYY-MM-DD': the site's today, read when asked (a page may stay open past midnight). */
  get min(): string {
    return this.clock.now().slice(0, 10);
  }

  /** The date field's upper bound: today + the site's maximum; null without a maximum. */
  get max(): string | null {
    return this.maxDays === null ? null : this.clock.addDays(this.min, this.maxDays);
  }

  /** What to send for the choice made, or null with `error` saying what to fix (then nothing may be sent). */
  request(): ExpiryRequest | null {
    this.error = '';
    if (this.option === 'never') return { params: {}, day: null, never: true };
    if (this.option !== 'date') {
      const days = Number(this.option);
      return { params: { expiresIn: days }, day: this.clock.addDays(this.min, days), never: false };
    }
    const day = dayOf(this.date);
    const { min, max } = this;
    if (day === null) {
      this.error = ts('Choose a date, or another option.');
    } else if (day < min) {
      this.error = ts('This date has passed.');
    } else if (max !== null && day > max) {
      this.error = ts('This site allows keys for %1 days at most: choose %2 or earlier.', {
        1: this.policy.max_days,
        2: formatDay(this.clock, max),
      });
    }
    return this.error ? null : { params: { expiresOn: day as string }, day, never: false };
  }

  /** The confirmation's words for a request: what the key's end will be. */
  describe(request: ExpiryRequest): string {
    return request.day === null
      ? ts('The key will no longer expire.')
      : ts('The key will expire on %1.', { 1: formatDay(this.clock, request.day) });
  }
}

function positive(days: number | null | undefined): number | null {
  return typeof days === 'number' && days > 0 ? Math.floor(days) : null;
}
