// `npm run screenshots`: pictures of the API Key tab for the docs, taken from the demo in Debian's
// Chromium. Starts the demo (built bundle, free port, throwaway data file), drives the tab as the
// administrator on Jane Doe, writes docs/screenshot-*.png (1200 px wide, cropped to the page title
// and the tabs; the key overview page as it opens) and stops everything, also on failure.
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { refreshBundle } from '../demo/lib/bundle.mjs';
import { startDemoServer } from '../demo/server.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const WIDTH = 1200;
const MARGIN = 16;
const TIMEOUT_MS = 10_000;
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

/**
 * The page title, the tab list and the open panel; the whole viewport while a dialog is open.
 * @param {import('playwright-core').Page} page
 * @param {string} file
 */
async function capture(page, file) {
  // No hover styles on whatever the last click left the mouse over.
  await page.mouse.move(0, 0);
  const dialogOpen = (await page.locator('.ui-dialog').count()) > 0;
  let clip;
  if (!dialogOpen) {
    const title = await page.locator('h1.crm-page-title').boundingBox();
    const tabs = await page.locator('#mainTabContainer').boundingBox();
    if (!title || !tabs) throw new Error('The demo page has no title or tab container.');
    const top = Math.max(0, title.y - MARGIN);
    clip = { x: 0, y: top, width: WIDTH, height: tabs.y + tabs.height + MARGIN - top };
  }
  const path = join(root, 'docs', file);
  // fullPage lets the clip reach below the viewport when the usage help is open.
  await page.screenshot({ path, clip, fullPage: !dialogOpen, animations: 'disabled', caret: 'hide' });
  console.log(`wrote docs/${file}`);
}

async function main() {
  await refreshBundle(root, (line) => console.error(line));
  const dataDirectory = mkdtempSync(join(tmpdir(), 'apikeytab-screenshots-'));
  const demo = await startDemoServer({ port: 0, dataFile: join(dataDirectory, 'demo.json') });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, timeout: TIMEOUT_MS });
  try {
    await mkdir(join(root, 'docs'), { recursive: true });
    const context = await browser.newContext({ viewport: { width: WIDTH, height: 800 }, deviceScaleFactor: 1 });
    context.setDefaultTimeout(TIMEOUT_MS);
    const page = await context.newPage();
    const button = (/** @type {string} */ name) => page.locator('#contact-apikey').getByRole('button', { name, exact: true });

    await page.goto(new URL('/?user=admin&cid=3', demo.url).href);
    await page.locator('li#tab_apikey a').click();
    await button('Generate key').waitFor();
    await capture(page, 'screenshot-no-key.png');

    await button('Generate key').click();
    await page.locator('#contact-apikey .crm-apikey-shown input').waitFor();
    await capture(page, 'screenshot-new-key.png');

    await button('Hide key').click();
    await page.locator('#contact-apikey .crm-apikey-masked').waitFor();
    await capture(page, 'screenshot-masked.png');

    await page.locator('#contact-apikey details summary').click();
    await page.locator('#contact-apikey details pre').waitFor();
    await capture(page, 'screenshot-usage.png');

    await button('Regenerate key').click();
    await page.locator('.ui-dialog[role=dialog]').waitFor();
    await capture(page, 'screenshot-confirm.png');

    await page.locator('.ui-dialog').getByRole('button', { name: 'Cancel', exact: true }).click();
    await page.goto(new URL('/civicrm/admin/apikeys', demo.url).href);
    await page.locator('.crm-apikey-overview tbody tr').first().waitFor();
    await page.mouse.move(0, 0);
    await page.screenshot({ path: join(root, 'docs', 'screenshot-overview.png'), clip: { x: 0, y: 0, width: WIDTH, height: 800 }, animations: 'disabled' });
    console.log('wrote docs/screenshot-overview.png');
  } finally {
    await browser.close();
    await demo.close();
    rmSync(dataDirectory, { recursive: true, force: true });
  }
}

await main();
