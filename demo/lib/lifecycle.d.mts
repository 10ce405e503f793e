// Types for the tests of the demo's key lifecycle (the module itself is plain JavaScript).
export interface LifecycleBinding {
  last_used: { date: string; ip: string | null } | null;
  usage_since: string | null;
  expires: string | null;
  policy: { default_days: number | null; max_days: number | null; notice_days: number };
}
export function lifecycleBinding(lifecycle: unknown, contactId: number, apiKey: string | null, mayReadKeys: boolean): LifecycleBinding;
export function keyFingerprint(apiKey: string): string;
