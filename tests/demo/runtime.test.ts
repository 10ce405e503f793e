// The demo's CRM runtime (demo/public/crm-runtime.js) in jsdom: the behaviours of CiviCRM's that
// the tab relies on (README, "APIv4 over AJAX" and "UI helpers"), with fetch stubbed.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';

const source = (path: string) => readFileSync(fileURLToPath(new URL(`../../${path}`, import.meta.url)), 'utf8');
const scripts = ['node_modules/jquery/dist/jquery.min.js', 'node_modules/angular/angular.min.js', 'demo/public/crm-runtime.js'].map(source);

type StubFetch = (url: string, init: RequestInit) => Promise<{ ok: boolean; text(): Promise<string> }>;

function build(fetchStub?: StubFetch) {
  const settings = JSON.stringify({ cid: 2, angRequires: { crmApiKey: ['crmResource', 'api4'] } });
  const dom = new JSDOM(
    `<!DOCTYPE html><body><button id="opener">Open</button>
     <ul><li id="tab_apikey" class="crm-tab-button crm-count-0"><a href="#contact-apikey"><span>API Key</span><em>0</em></a></li></ul>
     <script type="application/json" id="crm-demo-settings">${settings}</script>
     <script type="application/json" id="crm-demo-partials">{"~/crmApiKey/x.html": "<p>x</p>"}</script></body>`,
    { runScripts: 'outside-only', url: 'http://demo.test/' },
  );
  const window = dom.window as any;
  if (fetchStub) window.fetch = fetchStub;
  for (const script of scripts) window.eval(script);
  return { window, CRM: window.CRM, document: window.document as Document };
}

const reply = (ok: boolean, text: string) => Promise.resolve({ ok, text: () => Promise.resolve(text) });

describe('CRM.ts, CRM.url, CRM.angRequires, CRM.config', () => {
  it('substitute %N, build site-relative URLs and read the manifest requires', () => {
    const { CRM } = build();
    expect(CRM.ts('apikeytab')('Contact %1 of %2', { 1: 'Jane', 2: 'Doe' })).toBe('Contact Jane of Doe');
    expect(CRM.url('civicrm/authx/id', null, 'front')).toBe('/civicrm/authx/id');
    expect(CRM.url('civicrm/contact/view', { cid: 3, reset: 1 })).toBe('/civicrm/contact/view?cid=3&reset=1');
    expect(CRM.url('civicrm/x', 'a=1')).toBe('/civicrm/x?a=1');
    expect(CRM.angRequires('crmApiKey')).toEqual(['crmResource', 'api4']);
    expect(CRM.config.cid).toBe(2);
  });
});

describe('CRM.api4', () => {
  it('posts params as a form with X-Requested-With and resolves to values with count', async () => {
    const calls: [string, RequestInit][] = [];
    const { CRM } = build((url, init) => {
      calls.push([url, init]);
      return reply(true, JSON.stringify({ values: [{ id: 3 }], count: 1, countFetched: 1 }));
    });
    const values = await CRM.api4('Contact', 'get', { where: [['id', '=', 3]] });
    expect(calls[0][0]).toBe('/civicrm/ajax/api4/Contact/get');
    expect((calls[0][1].headers as Record<string, string>)['X-Requested-With']).toBe('XMLHttpRequest');
    expect(new URLSearchParams(calls[0][1].body as string).get('params')).toBe('{"where":[["id","=",3]]}');
    expect([...values]).toEqual([{ id: 3 }]);
    expect(values.count).toBe(1);
    expect(await CRM.api4('Contact', 'get', {}, 0)).toEqual({ id: 3 });
  });

  it('rejects with the JSON body of an error, and with undefined without JSON or network', async () => {
    const error = { error_code: '1', error_message: 'Sorry', status: 403 };
    await expect(build(() => reply(false, JSON.stringify(error))).CRM.api4('Contact', 'update', {})).rejects.toEqual(error);
    await expect(build(() => reply(false, '<html>fatal</html>')).CRM.api4('Contact', 'update', {})).rejects.toBeUndefined();
    await expect(build(() => Promise.reject(new TypeError('offline'))).CRM.api4('Contact', 'update', {})).rejects.toBeUndefined();
  });
});

describe('CRM.confirm', () => {
  function open() {
    const built = build();
    const opener = built.document.getElementById('opener')!;
    opener.focus();
    const events: string[] = [];
    const $dialog = built.CRM.confirm({ title: 'Revoke API key?', message: '<p>Stops at once.</p>', options: { yes: 'Revoke', no: 'Cancel' } });
    $dialog.on('crmConfirm:yes crmConfirm:no dialogclose', (event: { type: string; namespace?: string }) => events.push(event.namespace ? `${event.type}:${event.namespace}` : event.type));
    return { ...built, opener, events, dialog: built.document.querySelector('.ui-dialog') as HTMLElement };
  }

  it('is a labelled modal dialog with Cancel first and focused', () => {
    const { dialog, document } = open();
    expect(dialog.getAttribute('role')).toBe('dialog');
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(document.getElementById(dialog.getAttribute('aria-labelledby')!)!.textContent).toBe('Revoke API key?');
    expect(dialog.textContent).toContain('Stops at once.');
    expect([...dialog.querySelectorAll('button')].map((button) => button.textContent)).toEqual(['Cancel', 'Revoke']);
    expect(document.activeElement!.textContent).toBe('Cancel');
  });

  it('reports the button, closes, removes itself and gives focus back', () => {
    const { dialog, document, events, opener } = open();
    (dialog.querySelectorAll('button')[1] as HTMLButtonElement).click();
    expect(events).toEqual(['crmConfirm:yes', 'dialogclose']);
    expect(document.querySelector('.ui-dialog')).toBeNull();
    expect(document.activeElement).toBe(opener);
  });

  it('closes on Escape with dialogclose only', () => {
    const { dialog, window, events } = open();
    dialog.dispatchEvent(new window.KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    expect(events).toEqual(['dialogclose']);
  });
});

describe('CRM.alert and CRM.tabHeader.updateCount', () => {
  it('announce errors as alerts and the rest as status', () => {
    const { CRM, document } = build();
    CRM.alert('Saved', 'Key', 'success');
    CRM.alert('Not saved', 'Key', 'error');
    expect([...document.querySelectorAll('.crm-demo-toast')].map((toast) => toast.getAttribute('role'))).toEqual(['status', 'alert']);
  });

  it('updates the badge and the crm-count class', () => {
    const { CRM, document } = build();
    CRM.tabHeader.updateCount('#tab_apikey', 1);
    const tab = document.getElementById('tab_apikey')!;
    expect(tab.querySelector('em')!.textContent).toBe('1');
    expect([...tab.classList]).toEqual(['crm-tab-button', 'crm-count-1']);
  });
});

describe('the Angular stand-ins', () => {
  it('put the partials in $templateCache and route crmApi4 through its backend', async () => {
    const { window } = build();
    const injector = window.angular.injector(['ng', 'crmResource', 'api4'], true);
    injector.get('$rootScope');
    expect(injector.get('$templateCache').get('~/crmApiKey/x.html')).toBe('<p>x</p>');
    const crmApi4 = injector.get('crmApi4');
    crmApi4.backend = (entity: string, action: string) => Promise.resolve([`${entity}.${action}`]);
    expect(await crmApi4('Contact', 'get', {})).toEqual(['Contact.get']);
  });
});
