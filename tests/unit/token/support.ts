// usage: const tab = await mountWithToken({ signing: true }); await tab.click('Temporary token');
//
// The tab with the temporary-token binding, against a CiviDouble that also answers
// AuthxCredential.create the way wire 43 and 45 show, with JWT-shaped tokens (unsigned here:
// the tab never checks a signature, authx does).
import 'angular';
import { vi } from 'vitest';
import { CiviDouble } from '../support/civiDouble';
import { mountTab, type MountedTab } from '../support/mount';

export const SITE_TIME = { format: '%B %E%f, %Y %l:%M %P', time_format: '%H:%M', locale: 'en_US', now: '2026-12-01 13:35:00' };
/** The browser's clock when the page was made: the site is one hour ahead of UTC. */
export const PAGE_MADE_AT = new Date('2026-12-01T12:35:00Z');

const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

export function fakeJwt(contactId: number, exp: number): string {
  return `${part({ typ: 'JWT', alg: 'HS256', kid: 'test' })}.${part({ exp, sub: `cid:${contactId}`, scope: 'authx' })}.${'s'.repeat(43)}`;
}

export class TokenDouble extends CiviDouble {
  /** Every token this double handed out. */
  readonly issued: string[] = [];
  /** What the next AuthxCredential.create calls reject with (undefined: no usable answer). */
  readonly rejections: unknown[] = [];
  /** Answers the next create with this instead of a token. */
  answerNext: unknown = null;
  private holding: Array<() => void> | null = null;

  get creates() {
    return this.calls.filter((call) => call.entity === 'AuthxCredential');
  }

  hold(): void {
    this.holding = [];
  }

  releaseTokens(): void {
    const held = this.holding ?? [];
    this.holding = null;
    held.forEach((go) => go());
  }

  override handle(entity: string, action: string, params: Record<string, any> = {}): Promise<any> {
    if (entity !== 'AuthxCredential') return super.handle(entity, action, params);
    this.calls.push({ entity, action, params: JSON.parse(JSON.stringify(params)) });
    const waited = this.holding ? new Promise<void>((go) => this.holding!.push(go)) : Promise.resolve();
    return waited.then(() => {
      if (this.rejections.length > 0) throw this.rejections.shift();
      if (this.answerNext !== null) {
        const answer = this.answerNext;
        this.answerNext = null;
        return answer;
      }
      const jwt = fakeJwt(params.contactId, Math.floor(Date.now() / 1000) + (params.ttl ?? 300));
      this.issued.push(jwt);
      return Object.assign([{ cred: `Bearer ${jwt}` }], { count: 1, countFetched: 1 });
    });
  }
}

export interface TokenTab extends MountedTab {
  civi: TokenDouble;
  /** The token part's own text, live regions and field. */
  tokenText(): string;
  tokenStatus(): string;
  tokenAlert(): string;
  tokenField(): HTMLInputElement | null;
  /** Chooses "Valid for" and clicks Create token. */
  create(seconds?: 900 | 3600 | 28800): Promise<void>;
  /** Moves the browser clock (Date) and AngularJS's $interval forward together. */
  elapse(milliseconds: number): Promise<void>;
}

const fold = (text: string | null | undefined) => (text ?? '').replace(/\s+/g, ' ').trim();

export async function mountWithToken(token: { signing: boolean } | null, civi = new TokenDouble(), siteTime: object | null = SITE_TIME): Promise<TokenTab> {
  const tab = (await mountTab({ contactId: 3, hasKey: false, canView: true, token, siteTime: siteTime as never }, civi)) as TokenTab;
  const root = () => tab.element.querySelector('.crm-apikey-token');
  tab.tokenText = () => fold(root()?.textContent);
  tab.tokenStatus = () => fold(root()?.querySelector('[role="status"]')?.textContent);
  tab.tokenAlert = () => fold(root()?.querySelector('[role="alert"]')?.textContent);
  tab.tokenField = () => root()?.querySelector<HTMLInputElement>('input[readonly]') ?? null;
  tab.create = async (seconds = 3600) => {
    if (!tab.buttons().includes('Create token')) await tab.click('Temporary token');
    const select = tab.field('Valid for') as unknown as HTMLSelectElement;
    select.value = String(seconds);
    select.dispatchEvent(new Event('change', { bubbles: true }));
    await tab.click('Create token');
  };
  tab.elapse = async (milliseconds) => {
    const $interval = tokenController(tab).$interval as angular.IIntervalService & { flush(ms: number): void };
    vi.setSystemTime(Date.now() + milliseconds);
    $interval.flush(milliseconds);
    await tab.settle();
  };
  return tab;
}

/** The token part's controller (AngularJS keeps it on the element). */
export function tokenController(tab: MountedTab): any {
  return angular.element(tab.element.querySelector('crm-api-key-token')!).controller('crmApiKeyToken');
}

/** Everything the controller holds, but its injected services and scope (which hold no token). */
export function controllerState(tab: MountedTab): string {
  return JSON.stringify(tokenController(tab), (key, value) => (key.startsWith('$') ? undefined : value));
}
