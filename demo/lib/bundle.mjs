// Brings the bundles (js/crmApiKey.js, js/crmApiKeyOverview.js: every output of buildBundle) up to
// date before the demo serves them. A file is rewritten only when its content changes, and by
// rename, so test runs reading a bundle at the same moment never see a half-written file.
import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildBundle } from '../../scripts/build.mjs';

/**
 * @param {string} root
 * @param {(line: string) => void} warn
 */
export async function refreshBundle(root, warn) {
  if (!existsSync(join(root, 'src', 'tab', 'index.ts'))) {
    warn('apikeytab demo: src/tab/index.ts does not exist yet; the pages load without their components.');
    return;
  }
  let result;
  try {
    result = await buildBundle({ write: false });
  } catch {
    // esbuild has already printed the errors; the last good bundle is better than no demo at all.
    warn('apikeytab demo: WARNING the build failed; serving the last built bundles in js/.');
    return;
  }
  for (const output of result.outputFiles ?? []) {
    const current = await readFile(output.path).catch(() => null);
    if (current && Buffer.compare(current, output.contents) === 0) continue;
    const temporary = `${output.path}.tmp-${process.pid}`;
    await writeFile(temporary, output.contents);
    await rename(temporary, output.path);
  }
}
