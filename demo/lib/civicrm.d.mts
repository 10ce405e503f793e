// Types for the tests of the demo's contacts and API (the module itself is plain JavaScript).
export interface DemoContact {
  firstName: string;
  lastName: string;
  email: string;
  hash: string;
  createdDate: string;
  contactType?: 'Organization';
  organizationName?: string;
}
export const CONTACTS: Record<number, DemoContact>;
export function displayName(contactId: number): string;
export interface DemoUser {
  name: string;
  contactId: number;
  userId: number;
  label: string;
  permissions: string[];
}
export const USERS: Record<'admin' | 'self' | 'staff' | 'reader', DemoUser>;
export function canEditContact(user: DemoUser | null, contactId: number): boolean;
