import type { ApiKeyService } from '../shared/apiKeyService';
import { copyToClipboard } from '../shared/clipboard';
import { SecretPanel } from '../shared/secretPanel';
import type { Confirm } from '../shared/confirmDialog';
import { ApiKeyError } from '../shared/failures';
import { generateApiKey } from './keyGenerator';
import { typedKeyProblem } from './keyRules';
import { testApiKey } from '../shared/keyTest';
import { failureFrom, keyTestMessage, typedKeyMessage } from '../shared/messages';
import { ts } from '../shared/translate';
import { curlExample, frontUrl } from '../shared/usage';
import { SiteClock, type SiteTime } from '../shared/siteTime';
import { ExpiryChoice, type ExpiryRequest } from '../lifecycle/expiryChoice';
import { expiresText, formatDay, hasExpired, lastUsedText, type Lifecycle } from '../lifecycle/lifecycleText';

/** What the tab is waiting for besides Copy and Test; while set, every button is disabled and clicks are ignored. */
type Busy = 'saving' | 'loading' | 'checking' | 'confirming';

/** A control to give focus to after an action; matches the partial's data-focus attributes. */
type FocusTarget = 'status' | 'generate' | 'show' | 'hide' | 'copy' | 'test' | 'regenerate' | 'revoke' | 'enter' | 'key' | 'typed-key' | 'expires' | 'expires-on' | 'change-expiry' | 'save-expiry';

interface LastChange {
  date: string;
  /** Null when the contact who made the change has since been deleted. */
  by: string | null;
}

// usage: <crm-api-key-tab contact-id="3" has-key="true" can-view="true" key-hint="'Ab3x'" last-change="null">
export class ApiKeyTabController extends SecretPanel<Busy, FocusTarget> {
  static override $inject = ['$scope', '$element', '$timeout', '$q', 'crmApiKeyService', 'crmApiKeyConfirm'];

  // Bindings, read once: the page gives the state the tab opens in, so opening makes no request.
  contactId!: number;
  hasKey!: boolean;
  canView!: boolean;
  keyHint?: string | null;
  lastChange?: LastChange | null;
  /** False: the viewer may not change this contact's key (no edit access to the contact); absent: may. */
  canEdit?: boolean;
  /** True: the contact is in the trash (its key still authenticates). */
  inTrash?: boolean;
  siteTime?: SiteTime | null;

  /** The site's clock and date format (the site-time binding, or the browser's as a fallback). */
  clock!: SiteClock;
  /** The key overview page, for viewers who may read keys (the page refuses others). */
  overviewUrl = '';
  /** Last use, expiry and the site's limits (issues 12, 13); absent: nothing known, no Expires choice. */
  lifecycle?: Lifecycle | null;
  /** Temporary tokens (issue 14): null unless the viewer may create them. */
  token?: { signing: boolean } | null;
  /** The Expires choice for the next new key (Generate, Regenerate, Save key). */
  expiry: ExpiryChoice | null = null;
  /** Change expiry is open with this choice. */
  changing: ExpiryChoice | null = null;
  /** authx just called the key expired ('ended'), or the key is one the tab did not choose ('unknown'). */
  endState: 'ended' | 'unknown' | null = null;
  /** The end chosen for the key being saved, checked before anything was sent. */
  private pendingExpiry: ExpiryRequest | null = null;

  keyIsSet = false;
  /** The last 4 characters, for viewers who may read keys. */
  hint: string | null = null;
  /** The full key while it is on screen; null while masked. */
  shownKey: string | null = null;
  /** The key on screen was just made here: the only time a viewer who cannot read keys sees it. */
  isNewKey = false;
  /** A save has waited 10 s: the busy text says so rather than pretending all is well. */
  isSlow = false;
  isEnteringKey = false;
  typedKey = '';
  typedKeyError = '';
  /** This site's APIv4 URL for the usage example; computed once, it does not change while the page lives. */
  apiUrl = '';

  /** Turns on the "still waiting" text if a save takes longer than 10 s. */
  private slowNotice?: angular.IPromise<void>;

  constructor(
    $scope: angular.IScope & { ts?: Translate },
    $element: JQLite,
    $timeout: angular.ITimeoutService,
    $q: angular.IQService,
    private readonly keys: ApiKeyService,
    private readonly confirm: Confirm,
  ) {
    super($scope, $element, $timeout, $q);
  }

  $onInit(): void {
    this.contactId = Number(this.contactId);
    this.keyIsSet = this.hasKey === true;
    this.hint = this.keyIsSet && this.canView && typeof this.keyHint === 'string' ? this.keyHint : null;
    this.apiUrl = frontUrl('civicrm/ajax/api4/Contact/get');
    this.clock = new SiteClock(this.siteTime);
    this.overviewUrl = this.canView ? CRM.url('civicrm/admin/apikeys') : '';
    // Without a policy the binding is not one the tab can use (absent, null, or garbled): as in 1.0.
    this.lifecycle = this.lifecycle?.policy ? this.lifecycle : null;
    if (this.lifecycle) this.expiry = new ExpiryChoice(this.lifecycle.policy, this.clock);
  }

  /** Generate, Regenerate, Revoke and Enter a key: core refuses them without edit access to the contact (wire 38). */
  get mayChange(): boolean {
    return this.canEdit !== false;
  }

  /** Why this viewer sees no way to change the key; '' when they may change it. */
  get readOnlyText(): string {
    if (this.mayChange) return '';
    return this.keyIsSet ? ts('You cannot edit this contact, so you cannot change its key.') : ts('You cannot edit this contact, so you cannot give it a key.');
  }

  $onDestroy(): void {
    this.$timeout.cancel(this.slowNotice);
    // Nothing of a key outlives the tab.
    this.shownKey = null;
    this.typedKey = '';
  }

  /** The curl example: with the real key only while it is on screen. */
  get example(): string {
    return curlExample(this.apiUrl, this.shownKey);
  }

  /** Copy key and Test key need the full key: on screen, or readable by this viewer. */
  get canUseKey(): boolean {
    return this.shownKey !== null || (this.keyIsSet && this.canView);
  }

  get isMasked(): boolean {
    return this.keyIsSet && this.shownKey === null;
  }

  /** The contact who made the last change may have been deleted since: then only the date. */
  get lastChangeText(): string {
    const change = this.lastChange;
    if (!change) return '';
    const date = this.clock.formatDateTime(change.date);
    return change.by ? ts('Last changed %1 by %2', { 1: date, 2: change.by }) : ts('Last changed %1', { 1: date });
  }

  /** Dots for the hidden part, so the masked key has the length of a real one without any of it. */
  get maskedKey(): string {
    return '•'.repeat(28) + (this.hint ?? '••••');
  }

  get busyText(): string {
    switch (this.busy) {
      case 'saving':
        return this.isSlow ? ts('Still waiting for the server…') : ts('Saving…');
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

  generate(): void {
    if (this.busy || !this.mayChange || this.isFormOpen || !this.checkExpiry()) return;
    this.save(generateApiKey(), 'generate');
  }

  regenerate(): void {
    if (this.busy || this.isFormOpen || !this.checkExpiry()) return;
    this.afterConfirming(ts('Regenerate API key?'), ts('Regenerate'), 'regenerate', () => this.save(generateApiKey(), 'regenerate'));
  }

  revoke(): void {
    if (this.isFormOpen) return;
    this.afterConfirming(ts('Revoke API key?'), ts('Revoke'), 'revoke', () => this.save(null, 'revoke'));
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
    // Show key for viewers who may read keys; else Regenerate key, unless they may not change it either.
    this.focus(this.canView ? 'show' : this.mayChange ? 'regenerate' : 'status');
  }

  copy(): void {
    if (this.busy) return;
    this.withKey('copy', (key) => this.copyKey(key));
  }

  test(): void {
    if (this.busy) return;
    this.withKey('test', (key) => this.testKey(key));
  }

  copyExample(): void {
    if (this.busy) return;
    this.$q.when(copyToClipboard(this.example)).then((copied) => {
      this.statusText = copied ? ts('Example copied.') : ts('Copying was refused: select the example to copy it.');
    });
  }

  /** "Last used 3 days ago (…) from 203.0.113.7", "Never used"; '' when nothing is known. */
  get lastUsedText(): string {
    return this.keyIsSet && this.lifecycle ? lastUsedText(this.lifecycle, this.clock) : '';
  }

  get expiresText(): string {
    if (!this.keyIsSet || this.endState === 'unknown') return '';
    const expires = this.lifecycle?.expires;
    // authx called it expired before its known end (or with no end known): no date to name.
    if (this.endState === 'ended' && !hasExpired(expires, this.clock)) return ts('Expired');
    if (!this.lifecycle) return '';
    return expiresText(expires, this.clock);
  }

  get isExpired(): boolean {
    return this.keyIsSet && (this.endState === 'ended' || hasExpired(this.lifecycle?.expires, this.clock));
  }

  /** Change expiry or Enter a key is open: no other change is offered meanwhile. */
  get isFormOpen(): boolean {
    return this.isEnteringKey || this.changing !== null;
  }

  startChangingExpiry(): void {
    if (this.busy || !this.mayChange || !this.lifecycle || this.isFormOpen) return;
    this.changing = new ExpiryChoice(this.lifecycle.policy, this.clock, this.lifecycle.expires ?? null);
    this.focus('expires');
  }

  cancelChangingExpiry(): void {
    if (this.busy) return;
    this.changing = null;
    this.focus('change-expiry');
  }

  /** Change expiry is its own confirmed action: one ApiKeyRecord.setExpiry, nothing else. */
  saveExpiry(): void {
    const choice = this.changing;
    if (this.busy || !choice) return;
    const request = choice.request();
    if (!request) {
      this.focus(choice.option === 'date' ? 'expires-on' : 'expires');
      return;
    }
    this.begin('confirming');
    this.confirm({ title: ts('Change expiry?'), message: choice.describe(request), yes: ts('Change expiry'), no: ts('Cancel') }).then((confirmed) => {
      this.busy = null;
      if (!confirmed) {
        this.focus('expires');
        return;
      }
      this.begin('saving');
      this.focus('save-expiry');
      this.keys
        .setExpiry(this.contactId, request.params)
        .then(
          (expires) => {
            this.lifecycle = { ...(this.lifecycle as Lifecycle), expires };
            this.endState = null;
            this.changing = null;
            this.statusText = ts('Expiry changed.');
            this.focus('change-expiry');
          },
          (error: unknown) => {
            this.failure = failureFrom(ts('The expiry was not changed.'), error);
            this.focus('expires');
          },
        )
        .finally(() => {
          this.busy = null;
        });
    });
  }

  /** Checks the Expires choice before anything is sent; false (its message by the field) when refused. */
  private checkExpiry(): boolean {
    this.pendingExpiry = null;
    if (!this.expiry) return true;
    this.pendingExpiry = this.expiry.request();
    if (!this.pendingExpiry) this.focus(this.expiry.option === 'date' ? 'expires-on' : 'expires');
    return this.pendingExpiry !== null;
  }

  /**
   * After the one Contact.update of a new key: the key starts afresh (never used), and gets its
   * end with one setExpiry unless "Never" was chosen. The key is saved whatever setExpiry answers.
   */
  private startLifecycle(key: string | null): angular.IPromise<void> | void {
    const request = this.pendingExpiry;
    this.pendingExpiry = null;
    if (key === null || !this.lifecycle) return;
    const policy = this.lifecycle.policy;
    // Until setExpiry answers, the end the server gave the new key: now + the site's maximum, or
    // none. This copies Policy::expiryForKeySetElsewhere() (Civi/ApiKeyTab/Lifecycle/Policy.php).
    const maxDays = policy.max_days && policy.max_days > 0 ? policy.max_days : null;
    this.lifecycle = { ...this.lifecycle, last_used: null, usage_since: null, expires: maxDays ? this.clock.addDays(this.clock.now(), maxDays) : null };
    if (!request || request.never) return;
    return this.keys.setExpiry(this.contactId, request.params).then(
      (expires) => {
        this.lifecycle = { ...(this.lifecycle as Lifecycle), expires };
      },
      (error: unknown) => {
        const failure = failureFrom(ts('The key was saved, but its expiry was not set.'), error);
        const expires = this.lifecycle?.expires;
        const now = expires
          ? ts('It expires on %1, the longest this site allows. Use Change expiry to try again.', { 1: formatDay(this.clock, expires) })
          : ts('It does not expire. Use Change expiry to try again.');
        this.failure = { summary: failure.summary, detail: `${now} ${failure.detail}` };
      },
    );
  }

  startEnteringKey(): void {
    if (!this.mayChange || this.isFormOpen) return;
    this.toggleEnteringKey(true, 'typed-key');
  }

  cancelEnteringKey(): void {
    this.toggleEnteringKey(false, 'enter');
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
    if (!this.checkExpiry()) return;
    if (!this.canView) {
      this.replaceWithTypedKey(key);
      return;
    }
    // Only viewers who may read keys may look them up; for others CiviCRM ignores the field.
    this.begin('checking');
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
        (error: unknown) => this.fail(ts('The key was not changed.'), error, 'typed-key'),
      );
  }

  private toggleEnteringKey(open: boolean, focus: FocusTarget): void {
    if (this.busy) return;
    this.isEnteringKey = open;
    this.changing = null;
    this.typedKey = '';
    this.typedKeyError = '';
    this.focus(focus);
  }

  private replaceWithTypedKey(key: string): void {
    if (this.keyIsSet) {
      this.afterConfirming(ts('Replace API key?'), ts('Replace'), 'typed-key', () => this.save(key, 'typed-key'));
    } else {
      this.save(key, 'typed-key');
    }
  }

  /** Regenerate, Revoke and Replace all end the current key at once, and say so before. */
  private afterConfirming(title: string, yes: string, returnFocus: FocusTarget, action: () => void): void {
    if (this.busy || !this.mayChange) return;
    this.begin('confirming');
    this.confirm({ title, message: ts('Anything using the current key stops working at once.'), yes, no: ts('Cancel') }).then((confirmed) => {
      this.busy = null;
      if (confirmed) action();
      else this.focus(returnFocus);
    });
  }

  /**
   * What the tab now knows of the key, from its own save, a fetch or an altered save: its last 4
   * characters (null: no key). The full key is kept only while on screen (shownKey).
   */
  private rememberHint(hint: string | null): void {
    this.keyIsSet = hint !== null;
    this.endState = null;
    this.hint = hint !== null && this.canView ? hint : null;
    CRM.tabHeader.updateCount('#tab_apikey', hint === null ? 0 : 1);
  }

  /** The key now is not the one the page spoke of: its use and end are not known here. */
  private forgetOldKeyLifecycle(): void {
    this.endState = 'unknown';
    if (this.lifecycle) this.lifecycle = { ...this.lifecycle, last_used: null, usage_since: null, expires: null };
  }

  /** One Contact.update; the tab changes only once CiviCRM has echoed back exactly what was sent. */
  private save(key: string | null, startedFrom: FocusTarget): void {
    this.begin('saving');
    this.slowNotice = this.$timeout(() => {
      this.isSlow = true;
    }, 10_000);
    this.keys
      .saveKey(this.contactId, key)
      .then(
        () => {
          this.rememberHint(lastFour(key));
          this.shownKey = key;
          this.isNewKey = key !== null;
          this.isEnteringKey = false;
          this.typedKey = '';
          // Shown at once, without asking the server; the page brings the recorded date next time.
          this.lastChange = { date: this.clock.now(), by: ts('you') };
          if (key === null) {
            this.statusText = ts('Key revoked. Anything using it can no longer log in.');
            this.focus('generate');
          } else {
            this.statusText = this.canView
              ? ts('New key saved. Copy it now and store it safely.')
              : ts('New key saved. Copy it now and store it safely: it will not be shown again.');
            this.focus('key');
          }
          return this.startLifecycle(key);
        },
        (error: unknown) => this.fail(ts('The key was not changed.'), error, startedFrom),
      )
      .finally(() => {
        this.$timeout.cancel(this.slowNotice);
        this.busy = null;
        this.isSlow = false;
      });
  }

  /**
   * Runs `use` with the full key: the one on screen, else one Contact.get, unless that shows the
   * key was changed elsewhere (then the tab says so and the user decides again).
   */
  private withKey(startedFrom: FocusTarget, use: (key: string) => void): void {
    if (this.shownKey !== null) {
      use(this.shownKey);
      return;
    }
    this.begin('loading');
    this.keys.fetchKey(this.contactId).then(
      (key) => {
        this.busy = null;
        if (this.noticeChangeElsewhere(key) || key === null) {
          // Show was asked for: it shows the current key, under the notice. Copy and Test stop,
          // so the user decides again about a key they have not seen.
          if (key !== null && startedFrom === 'show') {
            this.shownKey = key;
            this.focus('hide');
          } else if (key !== null) {
            this.focus(startedFrom);
          } else {
            // Removed: Generate key, or for a viewer who may not change the key, the notice itself.
            this.focus(this.mayChange ? 'generate' : 'status');
          }
        } else {
          use(key);
        }
      },
      (error: unknown) => this.fail(ts('The key could not be loaded.'), error, startedFrom),
    );
  }

  /**
   * The fetched key wins over what the tab believed; says so when they differ. The tab keeps no
   * full key off screen, so a change is told by the last 4 characters (a new key with the same
   * four, about 1 in 15 million, goes unnoticed).
   */
  private noticeChangeElsewhere(key: string | null): boolean {
    const changed = key === null ? this.keyIsSet : !this.keyIsSet || (this.hint !== null && key.slice(-4) !== this.hint);
    if (!changed) return false;
    this.rememberHint(lastFour(key));
    this.forgetOldKeyLifecycle();
    this.isNewKey = false;
    this.statusText =
      key === null
        ? ts('The key was removed elsewhere.')
        : ts('The key was changed elsewhere. This is the current one.');
    return true;
  }

  private testKey(key: string): void {
    this.runTest(testApiKey(key, this.contactId), (result) => {
      const expires = this.lifecycle?.expires;
      if (result.outcome === 'works') {
        this.statusText = ts('This key works: it authenticates as contact %1.', { 1: result.contactId });
        // authx accepted it: a use, recorded by the server (without an address the tab could know).
        if (this.lifecycle) this.lifecycle = { ...this.lifecycle, last_used: { date: this.clock.now(), ip: null }, usage_since: null };
      } else {
        // The server's word wins over the known end; its 401 says no date.
        if (result.outcome === 'expired') this.endState = 'ended';
        this.failure = {
          summary: result.outcome === 'unreachable'
              ? ts('The key could not be tested.')
              : result.outcome === 'expired'
                ? ts('This key no longer works.')
                : ts('This key does not work yet.'),
          detail: keyTestMessage(result, expires && hasExpired(expires, this.clock) ? formatDay(this.clock, expires) : ''),
        };
      }
      this.focus('test');
    });
  }

  /** Refused by the browser: the key stays on screen, selected, for Ctrl+C. */
  private copyKey(key: string): void {
    this.copySecret(key, ts('Key copied.'), ts('Copying was refused. The key is selected: press Ctrl+C.'), 'copy', 'key').then((copied) => {
      if (!copied) this.shownKey = key;
    });
  }

  private fail(summary: string, error: unknown, returnFocus: FocusTarget): void {
    this.busy = null;
    const stored = error instanceof ApiKeyError ? error.storedHint : undefined;
    this.failure = failureFrom(stored === undefined ? summary : ts('The key was not saved as sent.'), error);
    if (stored !== undefined) {
      // The server changed the key after all, to a value nobody asked for: show what it holds.
      this.rememberHint(stored);
      this.forgetOldKeyLifecycle();
      this.shownKey = null;
      this.isNewKey = false;
    }
    this.focus(returnFocus);
  }
}

/** The last 4 characters of a key, all the tab keeps of it once it is off screen. */
function lastFour(key: string | null): string | null {
  return key === null ? null : key.slice(-4);
}

export const apiKeyTabComponent: angular.IComponentOptions = {
  templateUrl: '~/crmApiKey/apiKeyTab.html',
  bindings: {
    contactId: '<',
    hasKey: '<',
    canView: '<',
    keyHint: '<',
    lastChange: '<',
    canEdit: '<',
    inTrash: '<',
    siteTime: '<',
    lifecycle: '<',
    token: '<',
  },
  controller: ApiKeyTabController,
};
