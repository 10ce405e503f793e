// usage: const tab = await mountTab({hasKey: true, canView: true, keyHint: 'Ab3x'}); await tab.click('Show key');
//        const page = await mount('crmApiKeyOverview', '<crm-api-key-overview page-size="2"></crm-api-key-overview>');
//
// Compiles a component of the extension with real AngularJS and ngMock under strict DI, against a
// CiviDouble, and drives it through its DOM the way a user would.
import 'angular';
import 'angular-mocks';
import { CiviDouble } from './civiDouble';
import { defineCoreModules, installCrm, type CrmRecorder } from './crmStandIn';
import { loadModule } from './loadModule';

export interface TabBindings {
  contactId?: number;
  hasKey?: boolean;
  canView?: boolean;
  keyHint?: string | null;
  lastChange?: { date: string; by: string | null } | null;
  // 1.1 (docs/design-1.1.md): absent unless given, as on a page of 1.0.
  canEdit?: boolean;
  inTrash?: boolean;
  siteTime?: { format: string; time_format: string; locale: string; now: string } | null;
  lifecycle?: Record<string, unknown> | null;
  token?: { signing: boolean } | null;
}

/** Bindings added in 1.1, with their attribute names: passed only when the test gives them. */
const OPTIONAL_BINDINGS = { canEdit: 'can-edit', inTrash: 'in-trash', siteTime: 'site-time', lifecycle: 'lifecycle', token: 'token' } as const;

export interface Mounted {
  element: HTMLElement;
  civi: CiviDouble;
  crm: CrmRecorder;
  /** Visible text of the tab, whitespace folded. */
  text(): string;
  /** Exact visible names of the buttons, in order. */
  buttons(): string[];
  button(name: string): HTMLButtonElement;
  click(name: string): Promise<void>;
  type(value: string): Promise<void>;
  submit(): Promise<void>;
  /** Lets promises, digests and $timeout callbacks (focus moves) run until nothing is pending. */
  settle(): Promise<void>;
  /** Moves ngMock's clock forward, running the timers that fall due, then settles. */
  advance(milliseconds: number): Promise<void>;
  status(): string;
  alert(): string;
  field(label: string): HTMLInputElement;
  destroy(): void;
}

export type MountedTab = Mounted;

export function mountTab(bindings: TabBindings = {}, civi = new CiviDouble()): Promise<MountedTab> {
  const given = (Object.keys(OPTIONAL_BINDINGS) as Array<keyof typeof OPTIONAL_BINDINGS>).filter((name) => name in bindings);
  const extra = given.map((name) => ` ${OPTIONAL_BINDINGS[name]}="${name}"`).join('');
  return mount(
    'crmApiKey',
    `<crm-api-key-tab contact-id="contactId" has-key="hasKey" can-view="canView" key-hint="keyHint" last-change="lastChange"${extra}></crm-api-key-tab>`,
    {
      contactId: bindings.contactId ?? 3,
      hasKey: bindings.hasKey ?? false,
      canView: bindings.canView ?? true,
      keyHint: bindings.keyHint ?? null,
      lastChange: bindings.lastChange ?? null,
      ...Object.fromEntries(given.map((name) => [name, bindings[name]])),
    },
    civi,
  );
}

export async function mount(
  module: 'crmApiKey' | 'crmApiKeyOverview',
  markup: string,
  scopeValues: Record<string, unknown> = {},
  civi = new CiviDouble(),
  /** CRM.vars as the page's PHP puts them (Civi::resources()->addVars). */
  crmVars?: Record<string, unknown>,
): Promise<Mounted> {
  const crm = installCrm(civi);
  if (crmVars) (globalThis as any).CRM.vars = crmVars;
  defineCoreModules();
  await loadModule(module);

  const injector = angular.injector(
    ['ng', 'ngMock', ['$provide', ($provide: angular.auto.IProvideService) => void $provide.value('civiDouble', civi)], module],
    true,
  );
  const $compile = injector.get<angular.ICompileService>('$compile');
  const $rootScope = injector.get<angular.IRootScopeService>('$rootScope');
  const $flushPendingTasks = injector.get<(delay?: number) => void>('$flushPendingTasks');

  const scope = Object.assign($rootScope.$new(), scopeValues);
  const host = document.createElement('div');
  document.body.appendChild(host);
  host.innerHTML = markup;
  $compile(host)(scope);
  $rootScope.$digest();
  const element = host.firstElementChild as HTMLElement;

  // ngMock's $browser queues $timeout and $evalAsync work; only what is due now runs on settle,
  // so a timer set for later (the 10 s "still waiting" notice) waits for advance().
  const $browser = injector.get<any>('$browser');
  const hasDueTasks = () => $browser.deferredFns.some((task: { time: number }) => task.time <= $browser.defer.now);
  const settle = async () => {
    let quietRounds = 0;
    for (let round = 0; round < 100; round++) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (hasDueTasks()) {
        $flushPendingTasks(0);
        quietRounds = 0;
      } else if (++quietRounds >= 3) {
        return;
      }
    }
    throw new Error('the tab never settled');
  };

  const visible = (node: Element) => !node.closest('.ng-hide') && !node.closest('details:not([open]) > :not(summary)');
  const buttonsByName = () =>
    [...element.querySelectorAll('button')].filter(visible).map((button) => ({ button, name: fold(button.textContent) }));

  const tab: Mounted = {
    element,
    civi,
    crm,
    text: () => fold(element.textContent),
    buttons: () => buttonsByName().map((entry) => entry.name),
    button(name) {
      const found = buttonsByName().filter((entry) => entry.name === name);
      if (found.length !== 1) throw new Error(`expected one button "${name}", found ${found.length}: ${tab.buttons().join(', ')}`);
      return found[0].button;
    },
    async click(name) {
      tab.button(name).click();
      await settle();
    },
    async type(value) {
      const input = tab.field('API key');
      input.value = value;
      input.dispatchEvent(new Event('input', { bubbles: true }));
      await settle();
    },
    async submit() {
      tab.button('Save key').click();
      await settle();
    },
    settle,
    async advance(milliseconds) {
      $flushPendingTasks(milliseconds);
      await settle();
    },
    status: () => fold(element.querySelector('[role="status"]')?.textContent),
    alert: () => fold(element.querySelector('.crm-apikey-failure[role="alert"]')?.textContent),
    field(label) {
      const labels = [...element.querySelectorAll('label')].filter((node) => fold(node.textContent) === label);
      if (labels.length !== 1) throw new Error(`expected one field labelled "${label}", found ${labels.length}`);
      const input = element.querySelector<HTMLInputElement>(`#${labels[0].htmlFor}`);
      if (!input) throw new Error(`label "${label}" points at nothing`);
      return input;
    },
    destroy() {
      scope.$destroy();
      host.remove();
    },
  };
  await settle();
  return tab;
}

function fold(text: string | null | undefined): string {
  return (text ?? '').replace(/\s+/g, ' ').trim();
}
