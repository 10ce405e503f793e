// usage (in a browser spec, with a page from useDemoInChromium()):
//   await expectAccessible(tab.page, 'masked');
//   await expectAccessible(tab.page, 'dialog open', ['#contact-apikey', '.ui-dialog']);
//   expect(await violations(page, ['.crm-apikey-overview'])).toEqual([]);   // a hard stop instead
//
// axe-core injected into the page once, run on the given selectors only (the demo's own chrome is
// not ours to judge).
import { createRequire } from 'node:module';
import type * as Axe from 'axe-core';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

const AXE_SCRIPT = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

export interface Violation {
  id: string;
  help: string;
  nodes: string[];
}

export async function violations(page: Page, include: string[]): Promise<Violation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE_SCRIPT });
  return page.evaluate(async (selectors) => {
    const { axe } = window as unknown as { axe: typeof Axe };
    const results = await axe.run({ include: selectors }, { resultTypes: ['violations'] });
    return results.violations.map((violation) => ({
      id: violation.id,
      help: violation.help,
      nodes: violation.nodes.map((node) => `${node.target.join(' ')}: ${node.failureSummary ?? ''}`),
    }));
  }, include);
}

/** Soft, so one run reports every state that has violations, each with its rule ids and nodes. */
export async function expectAccessible(page: Page, state: string, include = ['#contact-apikey']): Promise<void> {
  const found = await violations(page, include);
  expect.soft(found, `${state}:\n${found.map((v) => `${v.id} (${v.help})\n  ${v.nodes.join('\n  ')}`).join('\n')}`).toEqual([]);
}
