// `npm run bench`: what the tab costs, measured, on this machine. Prints a table and writes
// bench/results.json. Every figure is the median of repeated runs; times are for reading, never
// for asserting (machines here are shared and noisy). Budgets on sizes and counts live in tests.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { buildBundle } from '../scripts/build.mjs';
import { startDemoServer } from '../demo/server.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const BROWSER_RUNS = process.env.BENCH_QUICK ? 1 : 5;
const ROTATIONS = 100;
const WARM_UP_ROTATIONS = 300;
const GENERATOR_KEYS = 20_000;
const GENERATOR_RUNS = 5;
const TIMEOUT_MS = 15_000;
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const round = (value, digits = 1) => Number(value.toFixed(digits));

function payload() {
  const bundle = readFileSync(join(root, 'js/crmApiKey.js'), 'utf8');
  const partials = readdirSync(join(root, 'ang/crmApiKey')).map((file) => readFileSync(join(root, 'ang/crmApiKey', file), 'utf8')).join('');
  const css = readFileSync(join(root, 'css/crmApiKey.css'), 'utf8');
  const size = (text) => ({ raw: Buffer.byteLength(text), gzip: gzipSync(text).length });
  return { bundle: size(bundle), partials: size(partials), 'bundle+partials': size(bundle + partials), css: size(css) };
}

/**
 * The generator from src/, compiled on the fly as scripts/build.mjs compiles it (platform browser,
 * so nanoid's browser build: one crypto.getRandomValues call a key), so the benchmark measures
 * the code that ships, not nanoid's Node build with its pool of random bytes.
 */
async function loadGenerator() {
  const result = await build({ entryPoints: [join(root, 'src/tab/keyGenerator.ts')], bundle: true, format: 'esm', write: false, platform: 'browser' });
  return import(`data:text/javascript;base64,${Buffer.from(result.outputFiles[0].text).toString('base64')}`);
}

async function generator() {
  const { generateApiKey } = await loadGenerator();
  const rate = () => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < GENERATOR_KEYS; i++) generateApiKey();
    return GENERATOR_KEYS / (Number(process.hrtime.bigint() - start) / 1e9);
  };
  const rates = Array.from({ length: GENERATOR_RUNS }, rate);

  // The random bytes a key costs, counted where the generator asks for them.
  const getRandomValues = crypto.getRandomValues;
  let bytesDrawn = 0;
  let calls = 0;
  crypto.getRandomValues = (array) => {
    bytesDrawn += array.byteLength;
    calls++;
    return getRandomValues.call(crypto, array);
  };
  try {
    for (let i = 0; i < GENERATOR_KEYS; i++) generateApiKey();
  } finally {
    crypto.getRandomValues = getRandomValues;
  }
  return {
    apikeytab: {
      library: 'apikeytab: nanoid@5 customAlphabet',
      keysPerSecond: Math.round(median(rates)),
      bytesPerKey: round(bytesDrawn / GENERATOR_KEYS, 2),
      randomCallsPerKey: round(calls / GENERATOR_KEYS, 2),
    },
    floorBytesPerKey: 24,
  };
}

/** One fresh page as the administrator on Jane Doe, counting the API requests it makes. */
async function openPage(browser, url) {
  const context = await browser.newContext();
  context.setDefaultTimeout(TIMEOUT_MS);
  const page = await context.newPage();
  const requests = [];
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (path.startsWith('/civicrm/')) requests.push(path);
  });
  await page.goto(new URL('/?user=admin&cid=3', url).href);
  const button = (name) => page.locator('#contact-apikey').getByRole('button', { name, exact: true });
  return { context, page, requests, button };
}

/** Milliseconds between a click and the moment `done` is true in the page (polled every frame). */
async function timeClick(page, selector, done) {
  return page.evaluate(
    ([target, condition]) =>
      new Promise((resolve) => {
        const start = performance.now();
        document.querySelector(target).click();
        const check = () => (new Function('return ' + condition)() ? resolve(performance.now() - start) : requestAnimationFrame(check));
        check();
      }),
    [selector, done],
  );
}

/** The server's share of the last API request: from sending it to the first byte of the answer. */
async function lastServerTime(page) {
  return page.evaluate(() => {
    const calls = performance.getEntriesByType('resource').filter((entry) => entry.name.includes('/civicrm/ajax/api4/'));
    const last = calls.at(-1);
    return last ? last.responseStart - last.requestStart : NaN;
  });
}

const KEY_FIELD = '#contact-apikey input[readonly]';
const keyShown = `(document.querySelector('${KEY_FIELD}')||{}).value?.length === 32`;

async function browserFigures(url) {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: [...CHROMIUM_ARGS, '--enable-precise-memory-info', '--js-flags=--expose-gc'], timeout: TIMEOUT_MS });
  const timings = { open: [], generate: [], generateServer: [], regenerate: [], regenerateServer: [] };
  const counts = {};
  let memory;
  try {
    for (let run = 0; run < BROWSER_RUNS; run++) {
      const { context, page, requests, button } = await openPage(browser, url);
      // Start each run from "no key", whatever the previous run left.
      await page.evaluate(() => CRM.api4('Contact', 'update', { where: [['id', '=', 3]], values: { api_key: null } }));
      await page.reload();
      requests.length = 0;

      timings.open.push(await timeClick(page, 'li#tab_apikey a', "!!document.querySelector('#contact-apikey button:not([disabled])')"));
      counts.open = requests.length;

      requests.length = 0;
      const generateButton = await button('Generate key').elementHandle();
      await generateButton.evaluate((element) => element.setAttribute('data-bench', 'generate'));
      timings.generate.push(await timeClick(page, '[data-bench="generate"]', keyShown));
      timings.generateServer.push(await lastServerTime(page));
      counts.generate = requests.length;

      await button('Hide key').click();
      requests.length = 0;
      await button('Regenerate key').click();
      const yes = page.locator('.ui-dialog').getByRole('button', { name: 'Regenerate', exact: true });
      await yes.waitFor();
      await yes.evaluate((element) => element.setAttribute('data-bench', 'yes'));
      timings.regenerate.push(await timeClick(page, '[data-bench="yes"]', keyShown));
      timings.regenerateServer.push(await lastServerTime(page));
      counts.rotate = requests.length;

      await button('Hide key').click();
      requests.length = 0;
      await button('Revoke key').click();
      await page.locator('.ui-dialog').getByRole('button', { name: 'Revoke', exact: true }).click();
      await button('Generate key').waitFor();
      counts.revoke = requests.length;

      if (run === BROWSER_RUNS - 1) memory = await heap(page, button);
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return {
    timesMs: Object.fromEntries(Object.entries(timings).map(([name, values]) => [name, round(median(values))])),
    requests: counts,
    heap: memory,
  };
}

async function heapUsed(page) {
  // The browser keeps a timing entry per request; dropped here so only the tab's memory counts.
  await page.evaluate(() => performance.clearResourceTimings());
  const session = await page.context().newCDPSession(page);
  await session.send('HeapProfiler.collectGarbage');
  const { usedSize } = await session.send('Runtime.getHeapUsage');
  await session.detach();
  return usedSize;
}

/**
 * Heap after mounting, then after 100 rotations. V8's heap grows for a few hundred rotations while
 * it warms up (compiled code, feedback vectors: seen in heap snapshots, shrinking from about 9 KB
 * to under 0.2 KB a rotation), so 300 rotations run first and the growth is measured from there:
 * whatever still scales with rotations after that is a leak.
 */
async function heap(page, button) {
  // The rotations run inside the page: Playwright's own actions would add their bookkeeping to the
  // same JS heap and blur what the tab itself keeps.
  const rotate = (times) =>
    page.evaluate(async (count) => {
      const panel = document.querySelector('#contact-apikey');
      const until = (find) =>
        new Promise((resolve) => {
          const look = () => {
            const found = find();
            if (found) resolve(found);
            else requestAnimationFrame(look);
          };
          look();
        });
      const buttonNamed = (root, name) => [...root.querySelectorAll('button')].find((b) => b.textContent.trim() === name && !b.disabled);
      for (let i = 0; i < count; i++) {
        (await until(() => buttonNamed(panel, 'Regenerate key'))).click();
        (await until(() => document.querySelector('.ui-dialog') && buttonNamed(document.querySelector('.ui-dialog'), 'Regenerate'))).click();
        (await until(() => buttonNamed(panel, 'Hide key'))).click();
      }
    }, times);
  await button('Generate key').click();
  await button('Hide key').click();
  const mounted = await heapUsed(page);
  await rotate(WARM_UP_ROTATIONS);
  const warm = await heapUsed(page);
  await rotate(ROTATIONS);
  const after = await heapUsed(page);
  return {
    afterMountKiB: round(mounted / 1024),
    afterWarmUpKiB: round(warm / 1024),
    after100RotationsKiB: round(after / 1024),
    perRotationBytes: round((after - warm) / ROTATIONS, 0),
  };
}

/**
 * What the authx listeners of the key lifecycle add to one authenticated request, measured in the
 * PHP harness by bench/request-cost.php (queries and writes carry over to a real site; the
 * microseconds are PHP's and in-memory SQLite's, without a MySQL round trip).
 */
const PHP_REQUEST_RUNS = process.env.BENCH_QUICK ? 200 : 2000;
function phpRequestCost() {
  return JSON.parse(execFileSync('php', [join(root, 'bench/request-cost.php'), String(PHP_REQUEST_RUNS)], { encoding: 'utf8' }));
}

function printTable(results) {
  const rows = [];
  const add = (group, name, value) => rows.push([group, name, String(value)]);
  for (const [name, size] of Object.entries(results.payload)) add('payload (bytes)', name, `${size.raw} raw, ${size.gzip} gzip`);
  for (const [name, count] of Object.entries(results.browser.requests)) add('requests', name, count);
  const t = results.browser.timesMs;
  add('time (ms, median)', 'tab click → interactive', t.open);
  add('time (ms, median)', 'Generate → key shown', `${t.generate} (server ${t.generateServer})`);
  add('time (ms, median)', 'Regenerate confirmed → new key shown', `${t.regenerate} (server ${t.regenerateServer})`);
  const h = results.browser.heap;
  add('JS heap (KiB)', 'after mount', h.afterMountKiB);
  add('JS heap (KiB)', `after ${WARM_UP_ROTATIONS} warm-up rotations`, h.afterWarmUpKiB);
  add('JS heap (KiB)', `after ${ROTATIONS} more rotations`, `${h.after100RotationsKiB} (${h.perRotationBytes} B per rotation)`);
  const g = results.generator.apikeytab;
  add('key generator', g.library, `${g.keysPerSecond} keys/s, ${g.bytesPerKey} random bytes/key (floor ${results.generator.floorBytesPerKey})`);
  const scenarios = { fresh: 'key used < 60 s ago', stale: 'key used > 60 s ago', unrecorded: 'key without a record (first use)' };
  for (const [name, label] of Object.entries(scenarios)) {
    const c = results.phpRequestCost.scenarios[name];
    add('authx listeners per request (PHP harness)', label, `${c.queries} query, ${c.writes} write, ${c.medianMicroseconds} µs median (p90 ${c.p90Microseconds})`);
  }
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column].length), 5));
  const line = (row) => `| ${row.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
  console.log(line(['what', 'measure', 'value']));
  console.log(line(widths.map((width) => '-'.repeat(width))));
  for (const row of rows) console.log(line(row));
}

async function main() {
  const started = Date.now();
  await buildBundle();
  const dataDirectory = mkdtempSync(join(tmpdir(), 'apikeytab-bench-'));
  const demo = await startDemoServer({ port: 0, dataFile: join(dataDirectory, 'demo.json') });
  try {
    const results = {
      date: new Date().toISOString(),
      machine: { node: process.version, cpus: (await import('node:os')).cpus().length },
      runs: { browser: BROWSER_RUNS, warmUpRotations: WARM_UP_ROTATIONS, rotations: ROTATIONS, generatorKeys: GENERATOR_KEYS, generatorRuns: GENERATOR_RUNS },
      payload: payload(),
      generator: await generator(),
      phpRequestCost: phpRequestCost(),
      browser: await browserFigures(demo.url),
    };
    writeFileSync(join(root, 'bench/results.json'), `${JSON.stringify(results, null, 2)}\n`);
    printTable(results);
    console.log(`\nwrote bench/results.json in ${round((Date.now() - started) / 1000)} s`);
  } finally {
    await demo.close();
    rmSync(dataDirectory, { recursive: true, force: true });
  }
}

await main();
