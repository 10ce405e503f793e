// The parts of CiviCRM's browser runtime the tab uses (PRODUCT.md, "what the tab may use").
// CiviCRM provides them at run time; tests and the demo provide stand-ins.

type Translate = (text: string, params?: Record<string | number, unknown>) => string;

interface CrmConfirmSettings {
  title: string;
  message: string;
  options: Record<string, string>;
}

interface CrmGlobal {
  ts(domain: string): Translate;
  url(path: string, query?: string | Record<string, unknown> | null, mode?: 'back' | 'front'): string;
  confirm(settings: CrmConfirmSettings): JQuery;
  alert(text: string, title?: string, type?: 'success' | 'info' | 'error' | 'alert'): unknown;
  angRequires(module: string): string[];
  tabHeader: { updateCount(selector: string, count: number): void };
  config: { cid?: number | string | null };
  $: JQueryStatic;
}

declare const CRM: CrmGlobal;

/** core module `api4`: same arguments as CRM.api4, answers with a $q promise. */
type CrmApi4 = (entity: string, action: string, params?: object, index?: number) => angular.IPromise<unknown>;
