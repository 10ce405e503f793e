// `npm run package`: rebuilds the bundles in js/ from src/ and writes dist/apikeytab-<version>.zip,
// the file a site installs: one folder apikeytab/ holding only what runs in CiviCRM.
//
// Release metadata has one source per fact and packaging refuses to run while info.xml disagrees:
// the version is package.json's, the release date is the one CHANGELOG.md gives that version
// (`## [1.0.0] - 2026-11-30`). CiviCRM reads both from info.xml, so a release edits the three files
// and this check catches the one forgotten.
//
// The zip is made by Info-ZIP's `zip` (Debian package zip, installed by .ci/run) from a staged
// copy of the shipped files, and is byte-for-byte reproducible: the names are given in sorted
// order, every file and folder carries the release date (00:00 UTC) and mode 0644 / 0755
// whatever the checkout and umask, TZ=UTC (zip writes local time), and `-X` leaves out the extra
// fields (uid/gid, access times) that would differ between machines and runs.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBundle } from './build.mjs';

const defaultRoot = fileURLToPath(new URL('..', import.meta.url));

export const KEY = 'apikeytab';

// Top-level names that CiviCRM uses, whole folders included (less dotfiles), each when present:
// schema/ for entity-types-php@2, settings/ for setting-php@1, mixin/ for civix's mixin
// polyfills. Everything else (src/, tests, tooling, node_modules) stays out.
export const SHIPPED = [
  'info.xml', 'apikeytab.php', 'CRM', 'Civi', 'ang', 'js', 'css', 'templates', 'xml', 'managed',
  'schema', 'settings', 'mixin', 'l10n', 'LICENSE', 'README.md', 'CHANGELOG.md',
];

export function shippedFiles(root = defaultRoot) {
  const walk = (path) => {
    if (!statSync(join(root, path)).isDirectory()) return [path];
    return readdirSync(join(root, path))
      .filter((name) => !name.startsWith('.'))
      .flatMap((name) => walk(`${path}/${name}`));
  };
  return SHIPPED.filter((name) => existsSync(join(root, name))).flatMap(walk).sort();
}

export function releaseMetadata(root = defaultRoot) {
  const read = (file) => readFileSync(join(root, file), 'utf8');
  const { version } = JSON.parse(read('package.json'));
  const info = read('info.xml');
  const element = (name) => info.match(new RegExp(`<${name}>([^<]*)</${name}>`))?.[1];
  const heading = read('CHANGELOG.md').match(new RegExp(`^## \\[${version.replace(/\./g, '\\.')}\\] - (\\d{4}-\\d{2}-\\d{2})$`, 'm'));
  const problems = [];
  if (!heading) problems.push(`CHANGELOG.md has no heading "## [${version}] - YYYY-MM-DD" for package.json's version`);
  if (element('version') !== version) problems.push(`info.xml <version> is ${element('version')}, package.json says ${version}`);
  if (heading && element('releaseDate') !== heading[1]) {
    problems.push(`info.xml <releaseDate> is ${element('releaseDate')}, CHANGELOG.md dates ${version} ${heading[1]}`);
  }
  if (problems.length > 0) throw new Error(`Release metadata disagrees:\n${problems.join('\n')}`);
  return { version, releaseDate: heading[1] };
}

/**
 * Zips `entries` (names under apikeytab/, folders ending in "/", in the order given; data null for
 * a folder) with Debian's zip, after staging them with fixed modes and times.
 */
function zip(entries, date) {
  const work = mkdtempSync(join(tmpdir(), `${KEY}-zip-`));
  try {
    for (const { name, data } of entries) {
      const path = join(work, name);
      mkdirSync(data === null ? path : dirname(path), { recursive: true });
      if (data !== null) writeFileSync(path, data);
    }
    // Modes and times once everything is written (writing a file changes its folder's mtime).
    const time = new Date(`${date}T00:00:00Z`);
    for (const { name, data } of entries) {
      const path = join(work, name);
      chmodSync(path, data === null ? 0o755 : 0o644);
      utimesSync(path, time, time);
    }
    // -X: no extra fields; -nw: names are literal, not patterns; -@: the names, one a line, from
    // stdin, so folders are entries of their own and nothing else gets in.
    try {
      execFileSync('zip', ['-q', '-X', '-9', '-nw', '-@', 'release.zip'], {
        cwd: work,
        input: entries.map((entry) => entry.name).join('\n'),
        env: { ...process.env, TZ: 'UTC' },
        stdio: ['pipe', 'ignore', 'pipe'],
      });
    } catch (error) {
      if (error.code === 'ENOENT') throw new Error('`zip` is missing: install Debian\'s zip package (apt-get install zip).');
      throw error;
    }
    return readFileSync(join(work, 'release.zip'));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// Builds the bundle in memory and zips that, so the zip always holds what src/ builds to;
// writeBundle also refreshes the bundles in js/ in the working tree, as `npm run build` would.
export async function packageExtension({ outDir = join(defaultRoot, 'dist'), writeBundle = false } = {}) {
  const { version, releaseDate } = releaseMetadata();
  const { outputFiles } = await buildBundle({ write: false });
  const built = new Map(outputFiles.map((file) => [relative(defaultRoot, file.path), Buffer.from(file.contents)]));
  if (writeBundle) for (const file of outputFiles) writeFileSync(file.path, file.contents);

  const files = shippedFiles();
  const folders = new Set([KEY]);
  for (const file of files) {
    for (let dir = dirname(file); dir !== '.'; dir = dirname(dir)) folders.add(`${KEY}/${dir}`);
  }
  // CiviCRM's installer finds the extension by a directory entry named after its key
  // (CRM_Utils_Zip::guessBasedir), so the folders are entries of their own.
  const entries = [
    ...[...folders].map((folder) => ({ name: `${folder}/`, data: null })),
    ...files.map((file) => ({ name: `${KEY}/${file}`, data: built.get(file) ?? readFileSync(join(defaultRoot, file)) })),
  ].sort((a, b) => (a.name < b.name ? -1 : 1));

  const archive = zip(entries, releaseDate);
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, `${KEY}-${version}.zip`);
  writeFileSync(path, archive);
  return { path, size: archive.length, files: files.length, entries: entries.map((entry) => entry.name) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const { path, size, files } = await packageExtension({ writeBundle: true });
    console.log(`${relative(process.cwd(), path)}: ${files} files, ${size} bytes`);
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
