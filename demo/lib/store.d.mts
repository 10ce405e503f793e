// Types for the tests of the audit trail (the module itself is plain JavaScript).
export type KeyChangeSubject = 'API key generated' | 'API key replaced' | 'API key revoked';
export function keyChangeSubject(before: string | null, after: string | null): KeyChangeSubject | null;
