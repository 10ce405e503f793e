// What to tell a person when something did not work, in words a non-programmer understands.
import { failureReason, type FailureReason } from './failures';
import type { TypedKeyProblem } from '../tab/keyRules';
import type { KeyTestResult } from './keyTest';
import { ts } from './translate';

/** What a failed action shows: what did not happen, then why. */
export interface Failure {
  summary: string;
  detail: string;
}

export function failureFrom(summary: string, error: unknown): Failure {
  return { summary, detail: failureMessage(failureReason(error)) };
}

export function failureMessage(reason: FailureReason): string {
  switch (reason) {
    case 'unreachable':
      return ts('No answer from the server. Try again.');
    case 'permission':
    case 'cannotRead':
      return ts('You do not have permission to do this.');
    case 'contactMissing':
      return ts('This contact no longer exists. Reload the page.');
    case 'noAccess':
      return ts('Your session may have expired. Reload the page.');
    case 'altered':
      return ts('The server saved another value, so the old key no longer works. Generate a new key.');
    case 'malformed':
    case 'server':
      return ts('The server failed. Try again, or ask an administrator to check the CiviCRM log.');
  }
}

/** @param expiredOn the day the key ended, when the page knows it (the lifecycle binding). */
export function keyTestMessage(result: Exclude<KeyTestResult, { outcome: 'works' }>, expiredOn = ''): string {
  switch (result.outcome) {
    case 'unknownKey':
      return ts('CiviCRM does not know this key: it was changed or revoked.');
    case 'expired':
      return expiredOn ? ts('This key expired on %1.', { 1: expiredOn }) : ts('This key has expired.');
    case 'guardRefused':
      return ts('CiviCRM refuses it: the contact needs a user account with the permission “authenticate with api key”, or requests must also send the site key.');
    case 'otherContact':
      return ts('It logs in as contact %1: another contact has the same key. Generate a new one.', { 1: result.contactId });
    case 'sessionAnswered':
      return ts('The server answered for your own login, not for the key.');
    case 'unreachable':
      return ts('No answer from the server. Try again.');
    case 'unexpected':
      return ts('Unexpected answer (HTTP %1). Is authx enabled?', { 1: result.status });
  }
}

export function typedKeyMessage(problem: TypedKeyProblem): string {
  switch (problem) {
    case 'empty':
      return ts('Enter a key first.');
    case 'spaces':
      return ts('Remove the spaces.');
    case 'characters':
      return ts('Use only A-Z a-z 0-9 - and _.');
    case 'tooShort':
      return ts('Too short: at least 16 characters.');
    case 'tooLong':
      return ts('Too long: at most 32 characters.');
  }
}
