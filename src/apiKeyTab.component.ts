import type { ApiKeyService } from './apiKeyService';
import { copyToClipboard } from './clipboard';
import type { Confirm } from './confirmDialog';
import { failureReason, type FailureReason } from './failures';
import { generateApiKey } from './keyGenerator';
import { typedKeyProblem, type TypedKeyProblem } from './keyRules';
import { ts } from './translate';

/** What the tab is waiting for; while set, every button is disabled and clicks are ignored. */
type Busy = 'saving' | 'loading' | 'checking' | 'confirming';

/** A control to give focus to after an action; matches the partial's data-focus attributes. */
type FocusTarget = 'generate' | 'show' | 'hide' | 'copy' | 'regenerate' | 'revoke' | 'enter' | 'key' | 'typed-key';

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
  static $inject = ['$scope', '$element', '$timeout', 'crmApiKeyService', 'crmApiKeyConfirm'];

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

  /** The full key as last known to this tab (never in the DOM while masked), to notice changes made elsewhere. */
  private knownKey: string | null = null;

  constructor(
    private readonly $scope: angular.IScope & { ts?: Translate },
    private readonly $element: JQLite,
    private readonly $timeout: angular.ITimeoutService,
    private readonly keys: ApiKeyService,
    private readonly confirm: Confirm,
  ) {}

  $onInit(): void {
    this.$scope.ts = ts;
    this.contactId = Number(this.contactId);
    this.keyIsSet = this.hasKey === true;
    this.hint = this.keyIsSet && this.canView && typeof this.keyHint === 'string' ? this.keyHint : null;
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
        message: ts('A new key replaces the current one. Anything using the current key stops working at once.'),
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
        message: ts('This contact will have no API key. Anything using the current key stops working at once.'),
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
            this.typedKeyError = ts('This key is already in use. Choose another one.');
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
        message: ts('The key you entered replaces the current one. Anything using the current key stops working at once.'),
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
            this.statusText = ts('The API key was revoked. Anything that used it can no longer log in.');
            this.focus('generate');
          } else {
            this.statusText = this.canView
              ? ts('New key saved. Copy it now and store it somewhere safe: it works like a password.')
              : ts('New key saved. Copy it now and store it somewhere safe: you will not be able to see it again.');
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
        ? ts('This key was changed elsewhere (in another window or by another user): this contact has no API key now.')
        : ts('This key was changed elsewhere (in another window or by another user). The tab now shows the current key.');
    return true;
  }

  private copyKey(key: string): void {
    this.busy = 'loading';
    copyToClipboard(key).then((copied) => {
      // The clipboard answers outside AngularJS, so the change is applied to the scope here.
      this.$scope.$applyAsync(() => {
        this.busy = null;
        if (copied) {
          this.statusText = ts('The key was copied to the clipboard.');
          this.focus('copy');
        } else {
          this.shownKey = key;
          this.statusText = ts('Your browser did not allow copying. The key is selected: press Ctrl+C (or ⌘+C) to copy it.');
          this.focus('key');
        }
      });
    });
  }

  private fail(summary: string, reason: FailureReason): void {
    this.failure = { summary, detail: failureMessage(reason) };
  }

  /** Focus moves once AngularJS has updated the DOM, since the target may only appear then. */
  private focus(target: FocusTarget): void {
    this.$timeout(
      () => {
        const element = this.$element[0].querySelector<HTMLElement>(`[data-focus="${target}"]`);
        element?.focus();
        if (element instanceof HTMLInputElement && element.readOnly) element.select();
      },
      0,
      false,
    );
  }
}

function failureMessage(reason: FailureReason): string {
  switch (reason) {
    case 'unreachable':
      return ts('No answer came from the server: the connection may be down, or the server failed. Check your connection and try again.');
    case 'permission':
      return ts('You do not have permission to change this API key. Ask an administrator for the "edit api keys" permission.');
    case 'contactMissing':
      return ts('This contact no longer exists: it may have been deleted. Reload the page.');
    case 'noAccess':
      return ts('The server did not return this contact. Your session may have expired: reload the page and log in again.');
    case 'cannotRead':
      return ts('You are not allowed to read API keys.');
    case 'altered':
      return ts('The server saved a different value than the one sent, so the key would not work as shown. Try again, or generate a new key.');
    case 'malformed':
      return ts('The server sent an answer that could not be understood. Try again, or ask an administrator to check the site.');
    case 'server':
      return ts('The server reported an error. Try again in a moment; if it keeps happening, ask an administrator to check the CiviCRM logs.');
  }
}

function typedKeyMessage(problem: TypedKeyProblem): string {
  switch (problem) {
    case 'empty':
      return ts('Enter a key first.');
    case 'spaces':
      return ts('The key contains a space (check the start and the end). Keys have no spaces.');
    case 'characters':
      return ts('The key may only contain letters A-Z and a-z, digits 0-9, "-" and "_".');
    case 'tooShort':
      return ts('The key is too short: it needs at least 16 characters.');
    case 'tooLong':
      return ts('The key is too long: CiviCRM keeps at most 32 characters and would cut it without warning.');
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
