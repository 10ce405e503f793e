// The CiviCRM runtime the tab may use (PRODUCT.md): the `CRM` global, and the core modules
// `crmResource` (partials into $templateCache) and `api4` (crmApi4), as small stand-ins.
import 'angular';
import jQuery from 'jquery';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CiviDouble } from './civiDouble';

// A string, not `new URL(...)`: under jsdom, URL is jsdom's class, which fileURLToPath refuses.
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..') + '/';

export interface ConfirmCall {
  title: string;
  message: string;
  options: Record<string, string>;
  dialog: JQuery;
}

export interface CrmRecorder {
  confirms: ConfirmCall[];
  counts: Array<{ selector: string; count: number }>;
  /** Answers the open CRM.confirm dialog the way CiviCRM's does: the button's event, then dialogclose. */
  answerConfirm(answer: 'yes' | 'no' | 'close'): void;
}

/** Substitutes %1, %2 ... like CiviCRM's ts(). */
function translate(text: string, params?: Record<string | number, unknown>): string {
  return text.replace(/%(\d+)/g, (match, n) => (params && n in params ? String(params[n]) : match));
}

export function installCrm(civi: CiviDouble): CrmRecorder {
  const recorder: CrmRecorder = {
    confirms: [],
    counts: [],
    answerConfirm(answer) {
      const open = recorder.confirms.at(-1);
      if (!open) throw new Error('no CRM.confirm dialog is open');
      if (answer !== 'close') open.dialog.trigger(`crmConfirm:${answer}`);
      open.dialog.trigger('dialogclose');
    },
  };
  const $ = jQuery as unknown as JQueryStatic;
  (globalThis as any).CRM = {
    $,
    config: { cid: civi.loggedInContactId },
    ts: () => translate,
    url: (path: string, query?: Record<string, unknown>) => `/${path}${query ? `?${new URLSearchParams(query as Record<string, string>)}` : ''}`,
    angRequires: () => ['crmResource', 'api4'],
    confirm(settings: { title: string; message: string; options: Record<string, string> }) {
      // As CiviCRM's does: the message is HTML (core's Common.js puts it in with .html()).
      const dialog = $('<div class="ui-dialog" role="dialog"></div>').html(settings.message);
      recorder.confirms.push({ ...settings, dialog });
      return dialog;
    },
    tabHeader: { updateCount: (selector: string, count: number) => recorder.counts.push({ selector, count }) },
  } satisfies Partial<CrmGlobal> & Record<string, unknown>;
  return recorder;
}

const partials = Object.fromEntries(
  ['crmApiKey', 'crmApiKeyOverview'].flatMap((module) =>
    readdirSync(`${root}ang/${module}`)
      .filter((file) => file.endsWith('.html'))
      .map((file) => [`~/${module}/${file}`, readFileSync(`${root}ang/${module}/${file}`, 'utf8')]),
  ),
);

let coreModulesDefined = false;

/** Defines the core modules once per test file; the double answering crmApi4 is chosen per injector. */
export function defineCoreModules(): void {
  if (coreModulesDefined) return;
  coreModulesDefined = true;
  angular.module('crmResource', []).run([
    '$templateCache',
    ($templateCache: angular.ITemplateCacheService) => {
      for (const [url, html] of Object.entries(partials)) $templateCache.put(url, html);
    },
  ]);
  angular.module('api4', []).factory('crmApi4', [
    '$q',
    'civiDouble',
    ($q: angular.IQService, civi: CiviDouble) =>
      (entity: string, action: string, params?: Record<string, any>) => $q.when(civi.handle(entity, action, params)),
  ]);
}
