import type { ApiKeyService } from '../apiKeyService';
import type { Confirm } from '../confirmDialog';
import { failureReason } from '../failures';
import { failureMessage } from '../messages';
import { ts } from '../translate';
import { listKeyHolders, type KeyHolder } from './keyHolders';

const DEFAULT_PAGE_SIZE = 25;

// usage: <crm-api-key-overview page-size="25"></crm-api-key-overview>
//
// Which contacts hold an API key: one Contact.get a page, each key masked to its last 4
// characters, each with a link to the contact's API Key tab and a confirmed Revoke.
export class KeyOverviewController {
  static $inject = ['$scope', '$element', '$timeout', 'crmApi4', 'crmApiKeyService', 'crmApiKeyConfirm'];

  pageSize?: number;

  rows: KeyHolder[] = [];
  offset = 0;
  hasNextPage = false;
  /** Until the first page arrives there is nothing to say "no keys" about. */
  loaded = false;
  busy = false;
  failure: { summary: string; detail: string } | null = null;
  statusText = '';

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
    this.pageSize = Number(this.pageSize) > 0 ? Number(this.pageSize) : DEFAULT_PAGE_SIZE;
    this.load(0);
  }

  get pageSizeInUse(): number {
    return this.pageSize ?? DEFAULT_PAGE_SIZE;
  }

  get rangeText(): string {
    return ts('Contacts %1 to %2', { 1: this.offset + 1, 2: this.offset + this.rows.length });
  }

  contactUrl(row: KeyHolder): string {
    return CRM.url('civicrm/contact/view', { reset: 1, cid: row.id, selectedChild: 'apikey' });
  }

  previousPage(): void {
    if (!this.busy && this.offset > 0) this.load(Math.max(0, this.offset - this.pageSizeInUse), 'previous');
  }

  nextPage(): void {
    if (!this.busy && this.hasNextPage) this.load(this.offset + this.pageSizeInUse, 'next');
  }

  revoke(row: KeyHolder): void {
    if (this.busy) return;
    this.busy = true;
    this.failure = null;
    this.statusText = '';
    this.confirm({
      title: ts('Revoke API key?'),
      message: ts('%1 will have no API key. Anything using it stops working at once.', { 1: row.name }),
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
            const next = this.rows[Math.min(index, this.rows.length - 1)];
            this.focus(next ? `revoke-${next.id}` : 'heading');
          },
          (error: unknown) => {
            this.failure = { summary: ts('The key was not changed.'), detail: failureMessage(failureReason(error)) };
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
    listKeyHolders(this.crmApi4, offset, this.pageSizeInUse)
      .then(
        (page) => {
          this.rows = page.rows;
          this.hasNextPage = page.hasNextPage;
          this.offset = offset;
          this.loaded = true;
        },
        (error: unknown) => {
          this.failure = { summary: ts('The list could not be loaded.'), detail: failureMessage(failureReason(error)) };
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
