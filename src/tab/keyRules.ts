// What a typed key must look like before anything is sent. CiviCRM itself checks nothing: it
// stores any character and silently truncates past 32 (../shared/civicrm/README.md).

export const TYPED_KEY_MIN_LENGTH = 16;
export const TYPED_KEY_MAX_LENGTH = 32;

export type TypedKeyProblem = 'empty' | 'spaces' | 'characters' | 'tooShort' | 'tooLong';

const ALLOWED = /^[A-Za-z0-9_-]*$/;

/** The first rule the value breaks, or null when it may be saved exactly as typed. */
export function typedKeyProblem(value: string): TypedKeyProblem | null {
  if (value === '') return 'empty';
  if (/\s/.test(value)) return 'spaces';
  if (!ALLOWED.test(value)) return 'characters';
  if (value.length < TYPED_KEY_MIN_LENGTH) return 'tooShort';
  if (value.length > TYPED_KEY_MAX_LENGTH) return 'tooLong';
  return null;
}
