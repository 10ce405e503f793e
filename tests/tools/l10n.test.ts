// Translations: every ts() call is extractable, l10n/apikeytab.pot lists exactly the strings of the
// sources, the shipped bundle yields the same strings when read the way CiviCRM reads it, and each
// catalogue is complete and compiled from its .po.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  POT, callsInPartial, callsInPhp, callsInSmarty, callsInTypeScript, catalogues, extract, renderPot,
} from '../../scripts/pot.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const read = (file: string): string => readFileSync(join(root, file), 'utf8');
const work = mkdtempSync(join(tmpdir(), 'apikeytab-l10n-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// msgfmt and friends report on stderr; the tests want both streams and the exit status.
function gettext(cmd: string, args: string[]): { status: number | null; output: string } {
  const result = spawnSync(cmd, args, { cwd: root, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}
const statistics = (po: string) => gettext('msgfmt', ['--check', '--statistics', '-o', '/dev/null', po]);

interface Entry {
  msgid: string;
  msgstr: string;
  fuzzy: boolean;
}

// Enough of the PO format for what `npm run pot` and msgmerge write: no plurals, no contexts.
function parsePo(text: string): { entries: Entry[]; obsolete: number } {
  const unquote = (lines: string[]) => lines.map((line) => JSON.parse(line.replace(/^(msgid|msgstr) /, '')) as string).join('');
  const entries = text.split(/\n\s*\n/).flatMap((block) => {
    const lines = block.split('\n').filter((line) => line && !line.startsWith('#~'));
    const at = (keyword: string) => {
      const start = lines.findIndex((line) => line.startsWith(`${keyword} `));
      if (start < 0) return [];
      const end = lines.findIndex((line, i) => i > start && !line.startsWith('"'));
      return lines.slice(start, end < 0 ? undefined : end);
    };
    const msgid = unquote(at('msgid'));
    if (!msgid) return [];
    return [{ msgid, msgstr: unquote(at('msgstr')), fuzzy: lines.some((line) => /^#,.*\bfuzzy\b/.test(line)) }];
  });
  return { entries, obsolete: (text.match(/^#~ msgid /gm) ?? []).length };
}

const potEntries = () => parsePo(read(POT)).entries;
const placeholders = (text: string) => [...new Set(text.match(/%\d+/g) ?? [])].sort();

describe('ts() calls in the sources', () => {
  it('are all extractable: one string literal each', () => {
    expect(extract(root).problems).toEqual([]);
  });

  it('are in l10n/apikeytab.pot, and it lists nothing else (fix: npm run pot, then translate the new strings)', () => {
    const sources = [...extract(root).messages.keys()];
    const committed = potEntries().map((entry) => entry.msgid);
    expect({
      missingFromPot: sources.filter((msgid) => !committed.includes(msgid)),
      staleInPot: committed.filter((msgid) => !sources.includes(msgid)),
    }).toEqual({ missingFromPot: [], staleInPot: [] });
  });

  it('give l10n/apikeytab.pot exactly, references and order included (fix: npm run pot)', () => {
    expect(read(POT)).toBe(renderPot(extract(root).messages));
  });
});

describe('the extractor', () => {
  it('reads TypeScript with its compiler: escapes, unicode, multi-line calls; not comments, not CRM.ts()', () => {
    const calls = callsInTypeScript('x.ts', [
      "// ts('in a comment')",
      "const ts = CRM.ts('apikeytab');",
      "ts('It\\'s “quoted” … ⌘');",
      'f(ts(',
      "  'On the next line', { 1: n }));",
      'ts("Double \\"quotes\\"");',
    ].join('\n'));
    expect(calls).toEqual([
      { file: 'x.ts', line: 3, msgid: 'It\'s “quoted” … ⌘' },
      { file: 'x.ts', line: 4, msgid: 'On the next line' },
      { file: 'x.ts', line: 6, msgid: 'Double "quotes"' },
    ]);
  });

  it('reports file:line for a TypeScript ts() of a variable, a template literal or a concatenation', () => {
    const calls = callsInTypeScript('x.ts', 'ts(label);\nts(`Hello`);\nts(`Hi ${name}`);\nts(\'a\' + b);\nts();');
    expect(calls.map(({ line, msgid }) => [line, msgid])).toEqual([[1, null], [2, null], [3, null], [4, null], [5, null]]);
  });

  it("reads partials: {{:: ts('...') }}, params, escaped quotes, unicode", () => {
    const calls = callsInPartial('p.html', [
      "<p>{{:: ts('Plain') }}</p>",
      "<p title=\"{{:: ts('It\\'s ’ “ ” … ⌘') }}\">{{ ts('Ends in %1', {1: $ctrl.hint}) }}</p>",
      "<p>{{ $ctrl.ts('not ours') }} lots(of text)</p>",
    ].join('\n'));
    expect(calls).toEqual([
      { file: 'p.html', line: 1, msgid: 'Plain' },
      { file: 'p.html', line: 2, msgid: 'It\'s ’ “ ” … ⌘' },
      { file: 'p.html', line: 2, msgid: 'Ends in %1' },
    ]);
  });

  it('reports file:line for a partial ts() that is not one literal, or uses an escape CiviCRM does not read', () => {
    const calls = callsInPartial('p.html', "{{ ts(label) }}\n{{ ts('a' + b) }}\n{{ ts('line\\nbreak') }}\n{{ ts('unclosed) }}");
    expect(calls.map(({ line, msgid }) => [line, msgid])).toEqual([[1, null], [2, null], [3, null], [4, null]]);
  });

  it('reads PHP with its tokenizer: ts() and E::ts(), not comments, not methods', () => {
    const calls = callsInPhp('x.php', [
      '<?php',
      "// ts('comment')",
      "ts('API Key', ['domain' => 'apikeytab']);",
      "E::ts('It\\'s');",
      "$this->ts('method');",
      'ts($label);',
      "ts('a' . $b);",
    ].join('\n'), root);
    expect(calls).toEqual([
      { file: 'x.php', line: 3, msgid: 'API Key' },
      { file: 'x.php', line: 4, msgid: "It's" },
      { file: 'x.php', line: 6, msgid: null },
      { file: 'x.php', line: 7, msgid: null },
    ]);
  });

  it('reads Smarty {ts} blocks, and reports one holding a tag', () => {
    const calls = callsInSmarty('t.tpl', "{ts domain='apikeytab'}Hello %1{/ts}\n{ts}Hi {$name}{/ts}");
    expect(calls).toEqual([
      { file: 't.tpl', line: 1, msgid: 'Hello %1' },
      { file: 't.tpl', line: 2, msgid: null },
    ]);
  });
});

describe('the bundles, read the way CiviCRM reads them', () => {
  // CiviCRM finds ts() calls in a shipped script with a regex and unescapes only the quote
  // character (CRM_Utils_JS::parseStrings); those are the strings it translates for the browser.
  it('yield exactly the msgids of the TypeScript sources', () => {
    const found = ['js/crmApiKey.js', 'js/crmApiKeyOverview.js'].flatMap((bundle) =>
      [...read(bundle).matchAll(/\Wts\s*\(\s*('(?:\\'|[^'])*'|"(?:\\"|[^"])*")\s*[,)]/g)].map(([, literal]) => {
        const quote = literal[0];
        return literal.slice(1, -1).split(`\\${quote}`).join(quote);
      }),
    );
    const { messages } = extract(root);
    const fromTypeScript = [...messages].filter(([, files]) => files.some((file) => file.startsWith('src/'))).map(([msgid]) => msgid);
    // CRM.ts('apikeytab') matches the same regex; CiviCRM looks the domain name up harmlessly.
    expect([...new Set(found)].filter((msgid) => msgid !== 'apikeytab').sort()).toEqual([...fromTypeScript].sort());
  });
});

describe('l10n/apikeytab.pot', () => {
  it('is valid gettext', () => {
    const { status, output } = statistics(POT);
    expect(output).toMatch(new RegExp(`^0 translated messages, ${potEntries().length} untranslated messages\\.`, 'm'));
    expect(status).toBe(0);
  });
});

describe.each(catalogues(root))('%s', (catalogue) => {
  const po = `${catalogue}.po`;
  const mo = `${catalogue}.mo`;

  it('translates every string of the template, none fuzzy, none obsolete (fix: npm run pot, translate, npm run pot)', () => {
    const { entries, obsolete } = parsePo(read(po));
    const template = potEntries().map((entry) => entry.msgid);
    expect({
      missing: template.filter((msgid) => !entries.some((entry) => entry.msgid === msgid)),
      untranslated: entries.filter((entry) => !entry.msgstr).map((entry) => entry.msgid),
      fuzzy: entries.filter((entry) => entry.fuzzy).map((entry) => entry.msgid),
      notInTemplate: entries.filter((entry) => !template.includes(entry.msgid)).map((entry) => entry.msgid),
      obsolete,
    }).toEqual({ missing: [], untranslated: [], fuzzy: [], notInTemplate: [], obsolete: 0 });
  });

  it('passes msgfmt --check, complete', () => {
    const { status, output } = statistics(po);
    expect(output.trim()).toBe(`${potEntries().length} translated messages.`);
    expect(status).toBe(0);
  });

  it('keeps the %N placeholders of every string', () => {
    const changed = parsePo(read(po)).entries
      .filter((entry) => placeholders(entry.msgid).join() !== placeholders(entry.msgstr).join())
      .map((entry) => `${entry.msgid} -> ${entry.msgstr}`);
    expect(changed).toEqual([]);
  });

  it('ships a .mo compiled from this .po (fix: npm run pot)', () => {
    const fresh = join(work, `${catalogue.replace(/\//g, '_')}.mo`);
    execFileSync('msgfmt', ['--check', '-o', fresh, po], { cwd: root });
    const decompiled = (file: string) => gettext('msgunfmt', ['--no-wrap', '--sort-output', file]);
    expect(decompiled(mo)).toEqual(decompiled(fresh));
    expect(decompiled(mo).status).toBe(0);
  });
});

describe('the French catalogue', () => {
  const french = () => new Map(parsePo(read('l10n/fr_FR/LC_MESSAGES/apikeytab.po')).entries.map((entry) => [entry.msgid, entry.msgstr]));

  it('exists', () => {
    expect(catalogues(root)).toContain('l10n/fr_FR/LC_MESSAGES/apikeytab');
  });

  it.each([
    ['Generate key', 'Générer une clé'],
    ['Regenerate key', 'Régénérer la clé'],
    ['Revoke key', 'Révoquer la clé'],
    ['Show key', 'Afficher la clé'],
    ['Hide key', 'Masquer la clé'],
    ['Copy key', 'Copier la clé'],
    ['Test key', 'Tester la clé'],
    ['Enter a key', 'Saisir une clé'],
    ['Save key', 'Enregistrer la clé'],
    ['API Key', "Clé d'API"],
  ])('names the button or tab "%s" "%s"', (msgid, msgstr) => {
    expect(french().get(msgid)).toBe(msgstr);
  });

  it('puts a no-break space before : ; ? ! and inside « », never a plain one', () => {
    const badly = [...french().values()].filter((text) => / [:;?!»]|« /.test(text));
    expect(badly).toEqual([]);
  });
});
