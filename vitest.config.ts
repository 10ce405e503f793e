import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Five projects, one command (`npm test`):
// - unit:    TypeScript sources in jsdom with real AngularJS 1.8 and angular-mocks;
// - bundle:  the component specs again, against the shipped js/crmApiKey.js and its partials;
// - php:     `php -l` on every PHP file and the subscriber's decisions under php-cli;
// - demo:    the demo server over HTTP, compared with the wire captures of a real CiviCRM;
// - tools:   the release zip, the translation template and catalogues;
// - browser: the demo page driven in Debian's Chromium through playwright-core.
export default defineConfig({
  test: {
    projects: [
      {
        // nanoid as it ships: esbuild bundles its browser build (crypto.getRandomValues on every
        // key); a bare import under Node would load its node:crypto pool build instead.
        resolve: { alias: [{ find: /^nanoid$/, replacement: fileURLToPath(new URL('node_modules/nanoid/index.browser.js', import.meta.url)) }] },
        test: {
          name: 'unit',
          environment: 'jsdom',
          include: ['tests/unit/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'bundle',
          environment: 'jsdom',
          include: ['tests/unit/tab/**/*.test.ts', 'tests/unit/overview/**/*.test.ts', 'tests/unit/token/**/*.test.ts'],
          env: { APIKEYTAB_TARGET: 'bundle' },
        },
      },
      {
        test: {
          name: 'php',
          environment: 'node',
          include: ['tests/php/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'demo',
          environment: 'node',
          include: ['tests/demo/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'tools',
          environment: 'node',
          include: ['tests/tools/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'browser',
          environment: 'node',
          include: ['tests/browser/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          // One Chromium at a time: the machine has two cores and the demo server needs one.
          fileParallelism: false,
        },
      },
    ],
  },
});
