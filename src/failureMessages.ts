// What to tell a person about a failed request, in words a non-programmer understands.
import type { FailureReason } from './failures';
import { ts } from './translate';

export function failureMessage(reason: FailureReason): string {
  switch (reason) {
    case 'unreachable':
      return ts('No usable answer from the server (network or server error). Try again.');
    case 'permission':
    case 'cannotRead':
      return ts('You do not have permission to do this.');
    case 'contactMissing':
      return ts('This contact no longer exists. Reload the page.');
    case 'noAccess':
      return ts('Your session may have expired. Reload the page.');
    case 'altered':
      return ts('The server saved a different value than the one sent, so the old key no longer works. Generate a new key.');
    case 'malformed':
    case 'server':
      return ts('The server failed. Try again; if it persists, ask an administrator to check the CiviCRM log.');
  }
}
