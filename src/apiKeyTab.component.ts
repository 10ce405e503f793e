import type { ApiKeyService } from './apiKeyService';
import { copyToClipboard } from './clipboard';
import type { Confirm } from './confirmDialog';
import { failureReason, type FailureReason } from './failures';
import { generateApiKey } from './keyGenerator';
import { typedKeyProblem, type TypedKeyProblem } from './keyRules';
import { testApiKey, type KeyTestResult } from './keyTest';
import { ts } from './translate';
import { apiv4Url, curlExample } from './usage';

/** What the tab is waiting for; while set, every button is disabled and clicks are ignored. */
type Busy = 'saving' | 'loading' | 'checking' | 'testing' | 'confirming';

/** A control to give focus to after an action; matches the partial's data-focus attributes. */
type FocusTarget = 'generate' | 'show' | 'hide' | 'copy' | 'test' | 'regenerate' | 'revoke' | 'enter' | 'key' | 'typed-key';

interface LastChange {
  date: string;
  by: string;
}

interface Failure {
  summary: string;
  detail: string;
}

// usage: <crm-api-key-tab contact-id="3" has-key="true" can-view="true" key-hint="'Ab3x'" last-change="null">
export class ApiKeyTabController {
  static $inject = ['$scope', '$element', '$timeout', '$q', 'crmApiKeyService', 'crmApiKeyConfirm'];

  // Bindings, read once: the page gives the state the tab opens in, so opening makes no request.
  contactId!: number;
  hasKey!: boolean;
  canView!: boolean;
  keyHint?: string | null;
  lastChange?: LastChange | null;

  keyIsSet = false;
  /** The last 4 characters, for viewers who may read keys. */
  hint: string | null = null;
  /** The full key while it is on screen; null while masked. */
  shownKey: string | null = null;
  /** The key on screen was just made here: the only time a viewer who cannot read keys sees it. */
  isNewKey = false;
  busy: Busy | null = null;
  failure: Failure | null = null;
  statusText = '';
  isEnteringKey = false;
  typedKey = '';
  typedKeyError = '';
  /** This site's APIv4 URL for the usage example; computed once, it does not change while the page lives. */
  apiUrl = '';

  /** The full key as last known to this tab (never in the DOM while masked), to notice changes made elsewhere. */
  private knownKey: string | null = null;

  constructor(
    private readonly $scope: angular.IScope & { ts?: Translate },
    private readonly $element: JQLite,
    private readonly $timeout: angular.ITimeoutService,
    private readonly $q: angular.IQService,
    private readonly keys: ApiKeyService,
    private readonly confirm: Confirm,
  ) {}

  $onInit(): void {
    this.$scope.ts = ts;
    this.contactId = Number(this.contactId);
    this.keyIsSet = this.hasKey === true;
    this.hint = this.keyIsSet && this.canView && typeof this.keyHint === 'string' ? this.keyHint : null;
    this.apiUrl = apiv4Url();
  }

  /** The curl example: with the real key only while it is on screen. */
  get example(): string {
    return curlExample(this.apiUrl, this.shownKey);
  }

  get isMasked(): boolean {
    return this.keyIsSet && this.shownKey === null;
  }

  /** Dots for the hidden part, so the masked key has the length of a real one without any of it. */
  get maskedKey(): string {
    return '•'.repeat(28) + (this.hint ?? '••••');
  }

  get busyText(): string {
    switch (this.busy) {
      case 'saving':
        return ts('Saving…');
      case 'loading':
        return ts('Loading the key…');
      case 'checking':
        return ts('Checking the key…');
      case 'testing':
        return ts('Testing the key…');
      default:
        return '';
    }
  }

  /** The key field selects itself on focus, so one Ctrl+C copies it. */
  selectAll(event: FocusEvent): void {
    (event.target as HTMLInputElement).select();
  }

  generate(): void {
    if (this.busy) return;
    this.save(generateApiKey(), 'generate');
  }

  regenerate(): void {
    this.afterConfirming(
      {
        title: ts('Regenerate API key?'),
        message: ts('Anything using the current key stops working at once.'),
        yes: ts('Regenerate'),
        no: ts('Cancel'),
      },
      'regenerate',
      () => this.save(generateApiKey(), 'regenerate'),
    );
  }

  revoke(): void {
    this.afterConfirming(
      {
        title: ts('Revoke API key?'),
        message: ts('Anything using the current key stops working at once.'),
        yes: ts('Revoke'),
        no: ts('Cancel'),
      },
      'revoke',
      () => this.save(null, 'revoke'),
    );
  }

  show(): void {
    if (this.busy || this.shownKey !== null) return;
    this.withKey('show', (key) => {
      this.shownKey = key;
      this.focus('hide');
    });
  }

  hide(): void {
    if (this.busy) return;
    this.shownKey = null;
    this.isNewKey = false;
    this.statusText = '';
    this.focus(this.canView ? 'show' : 'regenerate');
  }

  copy(): void {
    if (this.busy) return;
    if (this.shownKey !== null) {
      this.copyKey(this.shownKey);
    } else {
      this.withKey('copy', (key) => this.copyKey(key));
    }
  }

  test(): void {
    if (this.busy) return;
    if (this.shownKey !== null) {
      this.testKey(this.shownKey);
    } else {
      this.withKey('test', (key) => this.testKey(key));
    }
  }

  copyExample(): void {
    if (this.busy) return;
    this.$q.when(copyToClipboard(this.example)).then((copied) => {
      this.statusText = copied ? ts('Example copied.') : ts('Copying was refused: select the example and copy it by hand.');
    });
  }

  startEnteringKey(): void {
    if (this.busy) return;
    this.isEnteringKey = true;
    this.typedKey = '';
    this.typedKeyError = '';
    this.focus('typed-key');
  }

  cancelEnteringKey(): void {
    if (this.busy) return;
    this.isEnteringKey = false;
    this.typedKey = '';
    this.typedKeyError = '';
    this.focus('enter');
  }

  saveTypedKey(): void {
    if (this.busy) return;
    const key = this.typedKey;
    const problem = typedKeyProblem(key);
    this.typedKeyError = problem ? typedKeyMessage(problem) : '';
    if (problem) {
      this.focus('typed-key');
      return;
    }
    this.failure = null;
    if (!this.canView) {
      this.replaceWithTypedKey(key);
      return;
    }
    // Only viewers who may read keys may look them up; for others CiviCRM ignores the field.
    this.busy = 'checking';
    this.keys
      .isKeyInUse(key, this.contactId)
      .then(
        (inUse) => {
          this.busy = null;
          if (inUse) {
            this.typedKeyError = ts('This key is already in use. Choose another.');
            this.focus('typed-key');
          } else {
            this.replaceWithTypedKey(key);
          }
        },
        (error: unknown) => {
          this.busy = null;
          this.fail(ts('The key was not changed.'), failureReason(error));
          this.focus('typed-key');
        },
      );
  }

  private replaceWithTypedKey(key: string): void {
    if (!this.keyIsSet) {
      this.save(key, 'typed-key');
      return;
    }
    this.afterConfirming(
      {
        title: ts('Replace API key?'),
        message: ts('Anything using the current key stops working at once.'),
        yes: ts('Replace'),
        no: ts('Cancel'),
      },
      'typed-key',
      () => this.save(key, 'typed-key'),
    );
  }

  private afterConfirming(question: Parameters<Confirm>[0], returnFocus: FocusTarget, action: () => void): void {
    if (this.busy) return;
    this.busy = 'confirming';
    this.failure = null;
    this.confirm(question).then((confirmed) => {
      this.busy = null;
      if (confirmed) action();
      else this.focus(returnFocus);
    });
  }

  /** One Contact.update; the tab changes only once CiviCRM has echoed back exactly what was sent. */
  private save(key: string | null, startedFrom: FocusTarget): void {
    this.busy = 'saving';
    this.failure = null;
    this.statusText = '';
    this.keys
      .saveKey(this.contactId, key)
      .then(
        () => {
          this.keyIsSet = key !== null;
          this.knownKey = key;
          this.hint = key !== null && this.canView ? key.slice(-4) : null;
          this.shownKey = key;
          this.isNewKey = key !== null;
          this.isEnteringKey = false;
          this.typedKey = '';
          this.typedKeyError = '';
          CRM.tabHeader.updateCount('#tab_apikey', key === null ? 0 : 1);
          if (key === null) {
            this.statusText = ts('Key revoked. Anything using it can no longer log in.');
            this.focus('generate');
          } else {
            this.statusText = this.canView
              ? ts('New key saved. Copy it now and store it safely.')
              : ts('New key saved. Copy it now and store it safely: it will not be shown again.');
            this.focus('key');
          }
        },
        (error: unknown) => {
          this.fail(ts('The key was not changed.'), failureReason(error));
          this.focus(startedFrom);
        },
      )
      .finally(() => {
        this.busy = null;
      });
  }

  /** Runs `use` with the full key from one Contact.get, unless that shows the key changed elsewhere. */
  private withKey(startedFrom: FocusTarget, use: (key: string) => void): void {
    this.busy = 'loading';
    this.failure = null;
    this.statusText = '';
    this.keys.fetchKey(this.contactId).then(
      (key) => {
        this.busy = null;
        if (this.noticeChangeElsewhere(key) || key === null) {
          this.focus(key === null ? 'generate' : startedFrom);
          return;
        }
        use(key);
      },
      (error: unknown) => {
        this.busy = null;
        this.fail(ts('The key could not be loaded.'), failureReason(error));
        this.focus(startedFrom);
      },
    );
  }

  /** The fetched key wins over what the tab believed; says so when they differ. */
  private noticeChangeElsewhere(key: string | null): boolean {
    const changed =
      key === null
        ? this.keyIsSet
        : !this.keyIsSet || (this.knownKey !== null ? key !== this.knownKey : this.hint !== null && key.slice(-4) !== this.hint);
    this.keyIsSet = key !== null;
    this.knownKey = key;
    this.hint = key !== null && this.canView ? key.slice(-4) : null;
    if (!changed) return false;
    this.shownKey = null;
    this.isNewKey = false;
    CRM.tabHeader.updateCount('#tab_apikey', key === null ? 0 : 1);
    this.statusText =
      key === null
        ? ts('The key was removed elsewhere: this contact has no key now.')
        : ts('The key was changed elsewhere: the tab now shows the current one.');
    return true;
  }

  private testKey(key: string): void {
    this.busy = 'testing';
    this.failure = null;
    this.statusText = '';
    // fetch answers outside AngularJS: $q.when brings the answer back into a digest.
    this.$q
      .when(testApiKey(key, this.contactId))
      .then((result) => {
        if (result.outcome === 'works') {
          this.statusText = ts('This key works: it authenticates as contact %1.', { 1: result.contactId });
        } else {
          this.failure = {
            summary: result.outcome === 'unreachable' ? ts('The key could not be tested.') : ts('This key does not work yet.'),
            detail: keyTestMessage(result),
          };
        }
        this.focus('test');
      })
      .finally(() => {
        this.busy = null;
      });
  }

  private copyKey(key: string): void {
    this.busy = 'loading';
    // The clipboard answers outside AngularJS: $q.when brings the answer back into a digest.
    this.$q.when(copyToClipboard(key)).then((copied) => {
      this.busy = null;
      if (copied) {
        this.statusText = ts('Key copied.');
        this.focus('copy');
      } else {
        this.shownKey = key;
        this.statusText = ts('Copying was refused. The key is selected: press Ctrl+C to copy it.');
        this.focus('key');
      }
    });
  }

  private fail(summary: string, reason: FailureReason): void {
    this.failure = { summary, detail: failureMessage(reason) };
  }

  /** Focus moves once AngularJS has updated the DOM, since the target may only appear then. */
  private focus(target: FocusTarget): void {
    this.$timeout(
      () => {
        // The key field selects itself on focus (selectAll), so a keyboard user can copy at once.
        this.$element[0].querySelector<HTMLElement>(`[data-focus="${target}"]`)?.focus();
      },
      0,
      false,
    );
  }
}

function failureMessage(reason: FailureReason): string {
  switch (reason) {
    case 'unreachable':
      return ts('No answer from the server. Check your connection and try again.');
    case 'permission':
      return ts('You do not have permission to change this key.');
    case 'contactMissing':
      return ts('This contact no longer exists. Reload the page.');
    case 'noAccess':
      return ts('The server did not return this contact: your session may have expired. Reload the page.');
    case 'cannotRead':
      return ts('You may not read API keys.');
    case 'altered':
      return ts('The server saved a different value than the one sent. Try again.');
    case 'malformed':
      return ts('The server sent an answer that could not be understood.');
    case 'server':
      return ts('The server reported an error. Try again; if it persists, ask an administrator to check the CiviCRM log.');
  }
}

function keyTestMessage(result: Exclude<KeyTestResult, { outcome: 'works' }>): string {
  switch (result.outcome) {
    case 'unknownKey':
      return ts('CiviCRM does not know this key: it may have been changed or revoked.');
    case 'guardRefused':
      return ts('CiviCRM knows this key but refuses logins with it. Give this contact’s user the permission “authenticate with api key”, or send the site key too.');
    case 'otherContact':
      return ts('This key logs in as contact %1, not this contact: another contact has the same key. Generate a new one.', { 1: result.contactId });
    case 'sessionAnswered':
      return ts('The server answered for your own login, not for the key, so this proves nothing.');
    case 'unreachable':
      return ts('The server could not be reached. Try again.');
    case 'unexpected':
      return ts('Unexpected answer from the server (HTTP %1). Is the authx extension enabled?', { 1: result.status });
  }
}

function typedKeyMessage(problem: TypedKeyProblem): string {
  switch (problem) {
    case 'empty':
      return ts('Enter a key first.');
    case 'spaces':
      return ts('Remove the spaces (check the start and the end).');
    case 'characters':
      return ts('Use only letters A-Z a-z, digits 0-9, - and _.');
    case 'tooShort':
      return ts('Too short: at least 16 characters.');
    case 'tooLong':
      return ts('Too long: at most 32 characters (CiviCRM would cut it silently).');
  }
}

export const apiKeyTabComponent: angular.IComponentOptions = {
  templateUrl: '~/crmApiKey/apiKeyTab.html',
  bindings: {
    contactId: '<',
    hasKey: '<',
    canView: '<',
    keyHint: '<',
    lastChange: '<',
  },
  controller: ApiKeyTabController,
};
