// Builds js/crmApiKey.js, the one file CiviCRM loads (see ang/crmApiKey.ang.php).
// Identifiers are not minified: CiviCRM extracts translatable strings with a regex on literal
// ts('...') calls, so `ts` must keep its name in the shipped file.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export async function buildBundle({ write = true } = {}) {
  const result = await build({
    absWorkingDir: root,
    entryPoints: ['src/index.ts'],
    outfile: 'js/crmApiKey.js',
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
  return result;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildBundle();
}
