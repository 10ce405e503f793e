import type { ApiKeyService } from '../shared/apiKeyService';
import type { Confirm } from '../shared/confirmDialog';
import { failureFrom, type Failure } from '../shared/messages';
import { ts } from '../shared/translate';
import { siteClockFromVars, type SiteClock } from '../shared/siteTime';
import { listKeyHolders, type KeyHolder, type KeyHolderOrder } from './keyHolders';
import { expiresText, hasExpired, lastUsedText } from '../lifecycle/lifecycleText';

const DEFAULT_PAGE_SIZE = 25;

// usage: <crm-api-key-overview page-size="25"></crm-api-key-overview>
//
// Which contacts hold an API key: one Contact.get a page, each key masked to its last 4
// characters, each with a link to the contact's API Key tab and a confirmed Revoke.
export class KeyOverviewController {
  static $inject = ['$scope', '$element', '$timeout', 'crmApi4', 'crmApiKeyService', 'crmApiKeyConfirm'];

  pageSize = DEFAULT_PAGE_SIZE;

  rows: KeyHolder[] = [];
  offset = 0;
  hasNextPage = false;
  /** Until the first page arrives there is nothing to say "no keys" about. */
  loaded = false;
  busy = false;
  failure: Failure | null = null;
  statusText = '';
  /** The site's clock and date format (CRM.vars.apikeytab.siteTime, from KeyOverview.php). */
  clock!: SiteClock;
  /** By name, or the longest-unused keys first. */
  order: KeyHolderOrder = 'name';
  /** The expiry settings form, for administrators (CRM.vars.apikeytab.canAdminister). */
  settingsUrl = '';
  /** Core refuses a revoke without edit access to the contact (wire 38); the one query cannot tell per row. */
  canRevoke = false;

  constructor(
    private readonly $scope: angular.IScope & { ts?: Translate },
    private readonly $element: JQLite,
    private readonly $timeout: angular.ITimeoutService,
    private readonly crmApi4: CrmApi4,
    private readonly keys: ApiKeyService,
    private readonly confirm: Confirm,
  ) {}

  $onInit(): void {
    this.$scope.ts = ts;
    this.clock = siteClockFromVars();
    const vars = (CRM as { vars?: { apikeytab?: { canAdminister?: boolean; canEditAll?: boolean } } }).vars?.apikeytab;
    this.settingsUrl = vars?.canAdminister === true ? CRM.url('civicrm/admin/setting/apikeytab', { reset: 1 }) : '';
    this.canRevoke = vars?.canEditAll === true;
    this.pageSize = Number(this.pageSize) > 0 ? Number(this.pageSize) : DEFAULT_PAGE_SIZE;
    this.load(0);
  }

  get rangeText(): string {
    return ts('Contacts %1 to %2', { 1: this.offset + 1, 2: this.offset + this.rows.length });
  }

  /** When the key last changed, in the site's format; '' when no change was recorded. */
  lastChangedText(row: KeyHolder): string {
    return row.lastChanged === null ? '' : this.clock.formatDateTime(row.lastChanged);
  }

  /** "Last used 3 days ago (<date>)", "Never used", or "not recorded" for a key without a record (older than the extension). */
  lastUsedText(row: KeyHolder): string {
    if (!row.recorded) return ts('not recorded');
    return lastUsedText({ last_used: row.lastUsed ? { date: row.lastUsed, ip: null } : null, expires: null, policy: { default_days: null, max_days: null } }, this.clock);
  }

  expiresText(row: KeyHolder): string {
    return expiresText(row.expires, this.clock);
  }

  isExpired(row: KeyHolder): boolean {
    return hasExpired(row.expires, this.clock);
  }

  /** A new order starts again at the first page, with the one Contact.get of that page. */
  reorder(): void {
    if (!this.busy) this.load(0);
  }

  contactUrl(row: KeyHolder): string {
    return CRM.url('civicrm/contact/view', { reset: 1, cid: row.id, selectedChild: 'apikey' });
  }

  previousPage(): void {
    if (!this.busy && this.offset > 0) this.load(Math.max(0, this.offset - this.pageSize), 'previous');
  }

  nextPage(): void {
    // From the rows still shown: each revoke on this page moved the later contacts up one place.
    if (!this.busy && this.hasNextPage) this.load(this.offset + this.rows.length, 'next');
  }

  revoke(row: KeyHolder): void {
    if (!this.canRevoke) return;
    if (this.busy) return;
    this.busy = true;
    this.failure = null;
    this.statusText = '';
    this.confirm({
      title: ts('Revoke API key?'),
      // CRM.confirm renders its message as HTML, and a display name is anyone's to choose.
      message: ts('%1 will have no API key. Anything using it stops working at once.', { 1: CRM.$('<span>').text(row.name).html() }),
      yes: ts('Revoke'),
      no: ts('Cancel'),
    }).then((confirmed) => {
      if (!confirmed) {
        this.busy = false;
        this.focus(`revoke-${row.id}`);
        return;
      }
      this.keys
        .saveKey(row.id, null)
        .then(
          () => {
            const index = this.rows.indexOf(row);
            this.rows.splice(index, 1);
            this.statusText = ts('The API key of %1 was revoked.', { 1: row.name });
            if (!this.rows.length && (this.offset || this.hasNextPage)) {
              // The page emptied: show the one before it (or what moved up into this one).
              this.load(Math.max(0, this.offset - this.pageSize));
              return;
            }
            const next = this.rows[Math.min(index, this.rows.length - 1)];
            this.focus(next ? `revoke-${next.id}` : 'heading');
          },
          (error: unknown) => {
            this.failure = failureFrom(ts('The key was not changed.'), error);
            this.focus(`revoke-${row.id}`);
          },
        )
        .finally(() => {
          this.busy = false;
        });
    });
  }

  private load(offset: number, returnFocus?: 'previous' | 'next'): void {
    this.busy = true;
    this.failure = null;
    listKeyHolders(this.crmApi4, offset, this.pageSize, this.order)
      .then(
        (page) => {
          this.rows = page.rows;
          this.hasNextPage = page.hasNextPage;
          this.offset = offset;
          this.loaded = true;
        },
        (error: unknown) => {
          this.failure = failureFrom(ts('The list could not be loaded.'), error);
        },
      )
      .finally(() => {
        this.busy = false;
        // At the first or last page the button just used is disabled: the other one takes focus.
        if (returnFocus === 'next') this.focus(this.hasNextPage ? 'next' : 'previous');
        if (returnFocus === 'previous') this.focus(this.offset > 0 ? 'previous' : 'next');
      });
  }

  /** Focus moves once AngularJS has updated the DOM; a control that vanished hands it on. */
  private focus(target: string): void {
    this.$timeout(
      () => {
        const element = this.$element[0].querySelector<HTMLElement>(`[data-focus="${target}"]:not([disabled])`);
        (element ?? this.$element[0].querySelector<HTMLElement>('[data-focus="heading"]'))?.focus();
      },
      0,
      false,
    );
  }
}

export const keyOverviewComponent: angular.IComponentOptions = {
  templateUrl: '~/crmApiKeyOverview/keyOverview.html',
  bindings: { pageSize: '<' },
  controller: KeyOverviewController,
};
