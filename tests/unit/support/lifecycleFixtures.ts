// A key with a known end, on a site with the default date format: what the lifecycle specs of the
// tab start from (a viewer who may read keys, a key ending on December 31st, a 365-day maximum).
import type { TabBindings } from './mount';

export const siteTime = { format: '%B %E%f, %Y %l:%M %P', time_format: '%l:%M %P', locale: 'en_US', now: '2026-12-01 08:30:00' };

export const lifecycle = (over: Record<string, unknown> = {}) => ({
  last_used: null,
  usage_since: null,
  expires: '2026-12-31 08:30:00',
  policy: { default_days: 365, max_days: 365, notice_days: 7 },
  ...over,
});

export const withKey = (over: Partial<TabBindings> = {}): TabBindings => ({ contactId: 2, hasKey: true, canView: true, keyHint: 'nkey', siteTime, lifecycle: lifecycle(), ...over });
