// Types for the tests of the audit trail and the seed (the module itself is plain JavaScript).
export type KeyChangeSubject = 'API key generated' | 'API key replaced' | 'API key revoked';
export function keyChangeSubject(before: string | null, after: string | null): KeyChangeSubject | null;
export const PEOPLE_IDS: number[];
export const INTEGRATION_IDS: number[];
export const CONTACT_IDS: number[];
export const DOMAIN_CONTACT_ID: number;
export const SCHEDULED_JOB_DETAILS: string;
export function seedApiKey(contactId: number): string;
