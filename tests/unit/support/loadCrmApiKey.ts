// Registers the crmApiKey module from the TypeScript sources, or, in the `bundle` project, from
// the shipped js/crmApiKey.js, so the same specs test what CiviCRM will load.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const target = process.env.APIKEYTAB_TARGET === 'bundle' ? 'bundle' : 'source';

let loaded = false;

export async function loadCrmApiKey(): Promise<void> {
  if (loaded) return;
  loaded = true;
  if (target === 'bundle') {
    const code = readFileSync(resolve(dirname(fileURLToPath(import.meta.url)), '../../../js/crmApiKey.js'), 'utf8');
    // A classic script on the page's globals, as CiviCRM loads it: run it in the global scope.
    (0, eval)(code);
  } else {
    await import('../../../src/index');
  }
}
