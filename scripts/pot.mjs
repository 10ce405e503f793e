// `npm run pot`: writes l10n/apikeytab.pot from every ts() call of the TypeScript sources, the
// partials, the PHP and the Smarty templates, then brings each l10n/<locale>/LC_MESSAGES/apikeytab.po
// up to date with it (msgmerge) and compiles its .mo (msgfmt). Fails, naming file:line, on a ts()
// call whose text is not one string literal: CiviCRM extracts strings with a regex, so such a
// string could never be translated.
//
// The format is civistrings' (CiviCRM's extractor): one entry per msgid, `#:` naming the files
// that use it (no line numbers, so moving code does not touch the catalogues), no `#, php-format`
// flags (CiviCRM's %1 placeholders are not printf's).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { shippedFiles } from './package.mjs';

const defaultRoot = fileURLToPath(new URL('..', import.meta.url));

export const POT = 'l10n/apikeytab.pot';
export const DOMAIN = 'apikeytab';

const lineAt = (text, offset) => text.slice(0, offset).split('\n').length;

// A call is {file, line, msgid}; msgid is null when the first argument is not one string literal.
export function callsInTypeScript(file, text) {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const calls = [];
  const visit = (node) => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'ts') {
      const [argument] = node.arguments;
      calls.push({
        file,
        line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1,
        // Backquoted text is invisible to CiviCRM's regex, even without substitutions.
        msgid: argument && ts.isStringLiteral(argument) ? argument.text : null,
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return calls;
}

// AngularJS expressions in a partial: `{{:: ts('...') }}`, `ts('...', {1: x})`. CiviCRM reads the
// partial with the same regex as JS and unescapes nothing but the quote itself, so any other
// backslash escape would give a msgid different from the text AngularJS asks for.
export function callsInPartial(file, text) {
  const calls = [];
  for (const match of text.matchAll(/(?<![\w$.])ts\s*\(\s*/g)) {
    const start = match.index + match[0].length;
    calls.push({ file, line: lineAt(text, match.index), msgid: readQuoted(text, start) });
  }
  return calls;
}

function readQuoted(text, start) {
  const quote = text[start];
  if (quote !== "'" && quote !== '"') return null;
  let msgid = '';
  for (let i = start + 1; i < text.length; i++) {
    const char = text[i];
    if (char === '\\') {
      if (text[i + 1] !== quote) return null;
      msgid += quote;
      i++;
    } else if (char === quote) {
      return /^\s*[,)]/.test(text.slice(i + 1)) ? msgid : null;
    } else {
      msgid += char;
    }
  }
  return null;
}

export function callsInPhp(file, text, root = defaultRoot) {
  const output = execFileSync('php', [join(root, 'scripts/php-ts-calls.php')], { input: text, encoding: 'utf8' });
  return JSON.parse(output).map(({ line, msgid }) => ({ file, line, msgid }));
}

// `{ts}text{/ts}`, with parameters such as `{ts 1=$name domain='apikeytab'}`. A Smarty tag inside
// the block is compiled into the text before ts() sees it, so it cannot be a msgid.
export function callsInSmarty(file, text) {
  return [...text.matchAll(/\{ts(?:\s[^}]*)?\}([\s\S]*?)\{\/ts\}/g)].map((match) => ({
    file,
    line: lineAt(text, match.index),
    msgid: match[1].includes('{') ? null : match[1],
  }));
}

function tsFiles(root, dir) {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(root, path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

// The files whose strings CiviCRM shows: the TypeScript behind js/crmApiKey.js (the bundle itself
// is checked against it by the tests), and every partial, PHP file and template the zip ships.
export function scannedFiles(root = defaultRoot) {
  const readers = { '.html': callsInPartial, '.php': callsInPhp, '.tpl': callsInSmarty };
  const shipped = shippedFiles(root)
    .map((file) => [file, readers[file.slice(file.lastIndexOf('.'))]])
    .filter(([, reader]) => reader);
  return [...tsFiles(root, 'src').map((file) => [file, callsInTypeScript]), ...shipped].sort(([a], [b]) => (a < b ? -1 : 1));
}

// messages: Map msgid => files using it, in order of first use. problems: "file:line: why".
export function extract(root = defaultRoot) {
  const messages = new Map();
  const problems = [];
  for (const [file, reader] of scannedFiles(root)) {
    for (const call of reader(file, readFileSync(join(root, file), 'utf8'), root)) {
      if (call.msgid === null) {
        problems.push(`${call.file}:${call.line}: ts() needs one string literal as its first argument`);
      } else if (call.msgid === '') {
        problems.push(`${call.file}:${call.line}: ts() of an empty string`);
      } else {
        const files = messages.get(call.msgid) ?? [];
        if (!files.includes(call.file)) files.push(call.file);
        messages.set(call.msgid, files);
      }
    }
  }
  return { messages, problems };
}

const poString = (text) =>
  `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\t/g, '\\t').replace(/\r/g, '\\r')}"`;

export function renderPot(messages) {
  const header = [
    '# Translatable strings of the apikeytab CiviCRM extension.',
    '# Written by `npm run pot` from the ts() calls of the sources: do not edit by hand.',
    'msgid ""',
    'msgstr ""',
    '"Project-Id-Version: apikeytab\\n"',
    '"MIME-Version: 1.0\\n"',
    '"Content-Type: text/plain; charset=UTF-8\\n"',
    '"Content-Transfer-Encoding: 8bit\\n"',
    '',
  ].join('\n');
  const entries = [...messages].map(([msgid, files]) => `#: ${files.join(' ')}\nmsgid ${poString(msgid)}\nmsgstr ""\n`);
  return [header, ...entries].join('\n');
}

export function catalogues(root = defaultRoot) {
  const l10n = join(root, 'l10n');
  if (!existsSync(l10n)) return [];
  return readdirSync(l10n, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(l10n, entry.name, 'LC_MESSAGES', `${DOMAIN}.po`)))
    .map((entry) => `l10n/${entry.name}/LC_MESSAGES/${DOMAIN}`)
    .sort();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { messages, problems } = extract();
  if (problems.length > 0) {
    console.error(`Not extractable, fix these first:\n${problems.join('\n')}`);
    process.exit(1);
  }
  mkdirSync(join(defaultRoot, 'l10n'), { recursive: true });
  writeFileSync(join(defaultRoot, POT), renderPot(messages));
  console.log(`${POT}: ${messages.size} strings`);
  for (const catalogue of catalogues()) {
    const run = (cmd, args) => execFileSync(cmd, args, { cwd: defaultRoot, stdio: 'inherit' });
    run('msgmerge', ['--quiet', '--update', '--backup=none', '--no-wrap', '--previous', `${catalogue}.po`, POT]);
    // A string gone from the sources has done its work as msgmerge's fuzzy-match memory.
    run('msgattrib', ['--no-obsolete', '--no-wrap', '-o', `${catalogue}.po`, `${catalogue}.po`]);
    process.stdout.write(`${catalogue}.po: `);
    run('msgfmt', ['--check', '--statistics', '-o', `${catalogue}.mo`, `${catalogue}.po`]);
  }
}
