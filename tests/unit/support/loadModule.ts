// Registers the extension's Angular modules from the TypeScript sources, or, in the `bundle`
// project, from the shipped js/*.js bundles, so the same specs test what CiviCRM will load.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const target = process.env.APIKEYTAB_TARGET === 'bundle' ? 'bundle' : 'source';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const loaded = new Set<string>();

const sources: Record<string, () => Promise<unknown>> = {
  crmApiKey: () => import('../../../src/tab/index'),
  crmApiKeyOverview: () => import('../../../src/overview/index'),
};

export async function loadModule(name: 'crmApiKey' | 'crmApiKeyOverview'): Promise<void> {
  if (loaded.has(name)) return;
  loaded.add(name);
  if (target === 'bundle') {
    // A classic script on the page's globals, as CiviCRM loads it: run it in the global scope.
    (0, eval)(readFileSync(`${root}/js/${name}.js`, 'utf8'));
  } else {
    await sources[name]();
  }
}
