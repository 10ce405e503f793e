// `npm test`: type-check, then every vitest project, then one closing line `N passed, M failed`
// (the form CI reads). Exits non-zero on any failure, including a run that executed no test.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const resultsFile = `${root}.vitest-results.json`;
const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit' }).status ?? 1;

const extraArgs = process.argv.slice(2);
const typecheck = run('npx', ['tsc', '--noEmit', '-p', '.']);
if (typecheck !== 0) console.error('Type check failed.');

rmSync(resultsFile, { force: true });
const vitest = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${resultsFile}`, ...extraArgs]);

let passed = 0;
let failed = 0;
try {
  const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  passed = results.numPassedTests;
  failed = results.numFailedTests + (results.numTotalTestSuites > 0 && results.success === false && results.numFailedTests === 0 ? 1 : 0);
} catch {
  failed += 1;
}
if (typecheck !== 0) failed += 1;
console.log(`${passed} passed, ${failed} failed`);
process.exit(vitest !== 0 || typecheck !== 0 || failed > 0 || passed === 0 ? 1 : 0);
