import { failureMessage, keyTestMessage } from '../shared/messages';
import { SecretPanel } from '../shared/secretPanel';
import { SiteClock, type SiteTime } from '../shared/siteTime';
import { ts } from '../shared/translate';
import { curlExample, frontUrl } from '../shared/usage';
import { testToken, type TokenFailure, type TokenService } from './tokenService';

/** The partial's data-focus names (prefixed, so the tab's own never match them). */
type FocusTarget = 'token-open' | 'token-create' | 'token-token' | 'token-copy' | 'token-test';

// usage: <crm-api-key-token contact-id="3" token="{signing: true}" site-time="{...}">
// Shown only when the page says the viewer may create tokens (`token` not null).
export class TemporaryTokenController extends SecretPanel<'creating', FocusTarget> {
  static override $inject = ['$scope', '$element', '$timeout', '$q', '$interval', 'crmApiKeyTokens'];

  contactId!: number;
  token?: { signing: boolean } | null;
  siteTime?: SiteTime | null;

  isChoosing = false;
  /** Seconds, as the select's value. */
  ttl = '3600';
  /** The token while on screen; null once hidden or ended, so nothing keeps it. */
  jwt: string | null = null;
  /** "Valid until 14:35, in 59 minutes.", refreshed by the countdown. */
  untilText = '';
  example = '';

  private clock!: SiteClock;
  /** The token's end in browser milliseconds (its exp claim). */
  private endsAt = 0;
  private ticker?: angular.IPromise<unknown>;

  constructor(
    $scope: angular.IScope & { ts?: Translate },
    $element: JQLite,
    $timeout: angular.ITimeoutService,
    $q: angular.IQService,
    private readonly $interval: angular.IIntervalService,
    private readonly tokens: TokenService,
  ) {
    super($scope, $element, $timeout, $q);
  }

  $onInit(): void {
    this.contactId = Number(this.contactId);
    this.clock = new SiteClock(this.siteTime);
  }

  $onDestroy(): void {
    this.forget();
  }

  get busyText(): string {
    return this.busy === 'creating' ? ts('Creating the token…') : this.busy === 'testing' ? ts('Testing the token…') : '';
  }

  get endTime(): string {
    return this.clock.formatTime(this.clock.fromUnix(this.endsAt / 1000));
  }

  create(): void {
    if (this.busy) return;
    this.begin('creating');
    this.tokens
      .create(this.contactId, Number(this.ttl))
      .then(
        ({ jwt, exp }) => {
          this.jwt = jwt;
          this.endsAt = exp * 1000;
          this.isChoosing = false;
          this.example = curlExample(frontUrl('civicrm/ajax/api4/Contact/get'), jwt);
          // Outside AngularJS's digest: a page-wide digest only when the text shown changes (once a minute) or the token ends.
          this.ticker = this.$interval(() => this.tick() && this.$scope.$apply(), 1000, 0, false);
          this.tick();
          if (this.jwt === null) return; // already past exp
          this.statusText = ts('Token created. Copy it now: it is shown only once.');
          this.focus('token-token');
        },
        (reason: TokenFailure) => {
          this.failure = {
            summary: ts('No token was created.'),
            // CiviCRM names the missing signing key only to debug users; Create token is offered
            // only when the page says the site has one, so a generic 500 is a plain server failure.
            detail:
              reason === 'noSigningKey'
                ? ts('The server failed. If the site has no signing key, an administrator must add CIVICRM_SIGN_KEYS to civicrm.settings.php.')
                : failureMessage(reason),
          };
          this.focus('token-create');
        },
      )
      .finally(() => {
        this.busy = null;
      });
  }

  copy(): void {
    if (this.busy || this.jwt === null) return;
    this.copySecret(this.jwt, ts('Token copied.'), ts('Copying was refused. The token is selected: press Ctrl+C.'), 'token-copy', 'token-token');
  }

  test(): void {
    if (this.busy || this.jwt === null) return;
    this.runTest(testToken(this.jwt, this.contactId), (result) => {
      if (result.outcome === 'works') {
        this.statusText = ts('This token works: it authenticates as contact %1 until %2.', { 1: this.contactId, 2: this.endTime });
      } else {
        // authx's clock decides: a token it calls expired is over, whatever the countdown says.
        if (result.outcome === 'expired') this.forget();
        this.failure = {
          summary: ts('The token does not work.'),
          detail:
            result.outcome === 'expired'
              ? ts('It has expired.')
              : result.outcome === 'refused'
                ? ts('CiviCRM refuses it: the signing key may have changed.')
                : keyTestMessage(result),
        };
      }
      this.focus(this.jwt === null ? 'token-open' : 'token-test');
    });
  }

  hide(): void {
    if (this.busy) return;
    const until = this.endTime;
    this.forget();
    this.statusText = ts('Token hidden. It still works until %1.', { 1: until });
    this.focus('token-open');
  }

  /** Refreshes the countdown; true when what is shown changed (the minutes left, or the end). */
  private tick(): boolean {
    const ms = this.endsAt - Date.now();
    if (ms <= 0) {
      this.forget();
      this.statusText = ts('The temporary token has ended.');
      return true;
    }
    // Minutes left, counted up: a fresh 15-minute token says 15, its last minute 1.
    const left = Math.ceil(ms / 60_000);
    const relative =
      left < 60 ? ts('in %1 min', { 1: left }) : ts('in %1 h %2 min', { 1: Math.floor(left / 60), 2: left % 60 });
    const untilText = ts('Valid until %1, %2.', { 1: this.endTime, 2: relative });
    if (untilText === this.untilText) return false;
    this.untilText = untilText;
    return true;
  }

  /** Gone from the page and from memory: the field, the example and the countdown. */
  private forget(): void {
    if (this.ticker) this.$interval.cancel(this.ticker);
    this.jwt = null;
    this.example = '';
    this.untilText = '';
  }
}

export const temporaryTokenComponent: angular.IComponentOptions = {
  templateUrl: '~/crmApiKey/temporaryToken.html',
  bindings: {
    contactId: '<',
    token: '<',
    siteTime: '<',
  },
  controller: TemporaryTokenController,
};
