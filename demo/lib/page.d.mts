// Types for the tests of the template rendering (the module itself is plain JavaScript).
export function escapeHtml(text: string): string;
export function renderTabTemplate(template: string, entry: Record<string, unknown>, options?: { core?: '6' | '5' }): string;
export function siteTimeBinding(): { format: string; time_format: string; locale: string; now: string };
export function inertToAngular<T>(value: T): T;
export function renderKeyOverview(view: { root: string; user: import('./civicrm.mjs').DemoUser }): Promise<string>;
