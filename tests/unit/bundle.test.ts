// @vitest-environment node
// The shipped file, as CiviCRM will load it (PRODUCT.md, "compiled bundle").
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module without types
import { buildBundle } from '../../scripts/build.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const bundle = readFileSync(`${root}/js/crmApiKey.js`, 'utf8');
const partials = readdirSync(`${root}/ang/crmApiKey`).map((file) => readFileSync(`${root}/ang/crmApiKey/${file}`, 'utf8'));
const sources = readdirSync(`${root}/src`).map((file) => readFileSync(`${root}/src/${file}`, 'utf8'));

describe('js/crmApiKey.js', () => {
  it('is what `npm run build` makes from src/ now (commit the rebuilt file)', async () => {
    const result = await buildBundle({ write: false });
    expect(result.outputFiles[0].text).toBe(bundle);
  });

  it('is one classic script (an IIFE) on the page globals, declaring the module with the manifest dependencies', () => {
    expect(bundle).not.toMatch(/^\s*(import|export)\s/m);
    expect(bundle).toMatch(/\(\(\)=>\{/);
    expect(bundle).toContain('angular.module("crmApiKey",CRM.angRequires("crmApiKey"))');
  });

  it('bundles neither AngularJS nor jQuery', () => {
    expect(bundle).not.toMatch(/AngularJS v1|jQuery v3|ng-app|\$\$hashKey/);
    expect(bundle.length).toBeLessThan(30_000);
  });

  it('keeps ts() calls literal so CiviCRM can extract the strings', () => {
    const calls = bundle.match(/\bts\(/g) ?? [];
    const literal = bundle.match(/\bts\(("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')[,)]/g) ?? [];
    expect(calls.length).toBeGreaterThan(30);
    expect(literal.length).toBe(calls.length);
  });

  it('declares explicit $inject for everything AngularJS instantiates', () => {
    expect(bundle).toContain('$inject=["$scope","$element","$timeout","$q","crmApiKeyService","crmApiKeyConfirm"]');
    expect(bundle).toContain('$inject=["crmApi4"]');
    expect(bundle).toContain('$inject=["$q"]');
  });

  it.each([
    ['eval(', /\beval\(/],
    ['new Function', /new Function/],
    ['Math.random', /Math\.random/],
    ['console.', /\bconsole\./],
    ['localStorage / sessionStorage', /localStorage|sessionStorage/],
  ])('contains no %s', (_name, pattern) => {
    expect(bundle).not.toMatch(pattern);
    for (const source of sources) expect(source).not.toMatch(pattern);
  });

  it('renders text only: no ng-bind-html or innerHTML in partials or code', () => {
    for (const text of [bundle, ...partials]) expect(text).not.toMatch(/ng-bind-html|innerHTML|\$sce|trustAsHtml/);
  });

  it('stays within the size budget: bundle + partials at most 6 KiB gzip', () => {
    const shipped = bundle + partials.join('');
    expect(gzipSync(shipped).length).toBeLessThanOrEqual(6 * 1024);
  });
});
