// Builds the two bundles CiviCRM loads, one per Angular module (see ang/*.ang.php):
// js/crmApiKey.js (the contact tab) and js/crmApiKeyOverview.js (the key overview page).
// Identifiers are not minified: CiviCRM extracts translatable strings with a regex on literal
// ts('...') calls, so `ts` must keep its name in the shipped files.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export const BUNDLES = [
  { in: 'src/tab/index.ts', out: 'crmApiKey' },
  { in: 'src/overview/index.ts', out: 'crmApiKeyOverview' },
];

export async function buildBundle({ write = true } = {}) {
  return build({
    absWorkingDir: root,
    entryPoints: BUNDLES,
    outdir: 'js',
    bundle: true,
    format: 'iife',
    target: ['es2020'],
    minifyWhitespace: true,
    minifySyntax: true,
    minifyIdentifiers: false,
    legalComments: 'none',
    charset: 'utf8',
    write,
    logLevel: 'warning',
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildBundle();
}
