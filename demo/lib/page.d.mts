// Types for the tests of the template rendering (the module itself is plain JavaScript).
export function escapeHtml(text: string): string;
export function renderTabTemplate(template: string, block: Record<string, unknown>): string;
export function inertToAngular<T>(value: T): T;
