// What the tab and its Temporary token have in common: a secret shown once in a read-only field
// that selects itself on focus, Copy with a by-hand fallback, Test through authx, and one action
// at a time (while `busy` is set every button is disabled and clicks are ignored).
import { copyToClipboard } from './clipboard';
import type { Failure } from './messages';
import { ts } from './translate';

/** Busy: what else the panel may wait for; Target: the data-focus names of its partial. */
export abstract class SecretPanel<Busy extends string, Target extends string> {
  busy: Busy | 'copying' | 'testing' | null = null;
  failure: Failure | null = null;
  statusText = '';

  constructor(
    protected readonly $scope: angular.IScope & { ts?: Translate },
    protected readonly $element: JQLite,
    protected readonly $timeout: angular.ITimeoutService,
    protected readonly $q: angular.IQService,
  ) {
    $scope.ts = ts;
  }

  /** The secret's field selects itself on focus, so one Ctrl+C copies it. */
  selectAll(event: FocusEvent): void {
    (event.target as HTMLInputElement).select();
  }

  /** Clears what the last action said, and blocks every other action until this one ends. */
  protected begin(busy: this['busy']): void {
    this.busy = busy;
    this.failure = null;
    this.statusText = '';
  }

  /**
   * Copies the secret; when the browser refuses, says so and focuses its field (which selects it)
   * for Ctrl+C. Resolves with whether it was copied.
   */
  protected copySecret(secret: string, copiedText: string, refusedText: string, copiedFocus: Target, fieldFocus: Target): angular.IPromise<boolean> {
    this.begin('copying');
    // The clipboard answers outside AngularJS: $q.when brings the answer back into a digest.
    return this.$q.when(copyToClipboard(secret)).then((copied) => {
      this.busy = null;
      this.statusText = copied ? copiedText : refusedText;
      this.focus(copied ? copiedFocus : fieldFocus);
      return copied;
    });
  }

  /** Test key / Test token: `check` is the authx question (it never rejects), `show` what its answer means here. */
  protected runTest<Result>(check: Promise<Result>, show: (result: Result) => void): void {
    this.begin('testing');
    // fetch answers outside AngularJS: $q.when brings the answer back into a digest.
    this.$q
      .when(check)
      .then(show)
      .finally(() => {
        this.busy = null;
      });
  }

  /**
   * Focus moves once AngularJS has updated the DOM, since the target may only appear then. When it
   * is already there (a typed key refused in its own field), nothing waits: a Tab pressed before
   * the deferred move would otherwise be undone.
   */
  protected focus(target: Target): void {
    const selector = `[data-focus="${target}"]`;
    const focused = document.activeElement;
    if (focused && this.$element[0].contains(focused) && focused.matches(selector)) return;
    this.$timeout(() => this.$element[0].querySelector<HTMLElement>(selector)?.focus(), 0, false);
  }
}
