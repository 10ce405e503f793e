// `npm run package`: rebuilds the bundles in js/ from src/ and writes dist/apikeytab-<version>.zip,
// the file a site installs: one folder apikeytab/ holding only what runs in CiviCRM.
//
// Release metadata has one source per fact and packaging refuses to run while info.xml disagrees:
// the version is package.json's, the release date is the one CHANGELOG.md gives that version
// (`## [1.0.0] - 2026-11-30`). CiviCRM reads both from info.xml, so a release edits the three files
// and this check catches the one forgotten.
//
// The zip is byte-for-byte reproducible: sorted entries, every timestamp the release date.
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateRawSync } from 'node:zlib';
import { buildBundle } from './build.mjs';

const defaultRoot = fileURLToPath(new URL('..', import.meta.url));

export const KEY = 'apikeytab';

// Top-level names that CiviCRM uses, whole folders included (less dotfiles). Everything else
// (src/, tests, tooling, node_modules) stays out.
export const SHIPPED = [
  'info.xml', 'apikeytab.php', 'CRM', 'Civi', 'ang', 'js', 'css', 'templates', 'xml', 'managed', 'l10n',
  'LICENSE', 'README.md', 'CHANGELOG.md',
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

// A minimal zip writer (PKZIP APPNOTE 4.3/4.4): deflate, or store when deflate does not pay; UTF-8
// names; Unix permissions so an unpacked site copy is readable by the web server.
function zip(entries, date) {
  const [year, month, day] = date.split('-').map(Number);
  const dosDate = ((year - 1980) << 9) | (month << 5) | day;
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const isDir = data === null;
    const content = isDir ? Buffer.alloc(0) : data;
    const deflated = isDir ? content : deflateRawSync(content, { level: 9 });
    const method = !isDir && deflated.length < content.length ? 8 : 0;
    const stored = method === 8 ? deflated : content;
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = crc32(content);

    // The local header and the central directory entry share one run of fields, from "version
    // needed" to "name length"; the central entry has it 2 bytes further on.
    const writeSharedFields = (/** @type {Buffer} */ header, /** @type {number} */ at) => {
      header.writeUInt16LE(20, at);
      header.writeUInt16LE(0x0800, at + 2); // names are UTF-8
      header.writeUInt16LE(method, at + 4);
      header.writeUInt16LE(0, at + 6);
      header.writeUInt16LE(dosDate, at + 8);
      header.writeUInt32LE(crc, at + 10);
      header.writeUInt32LE(stored.length, at + 14);
      header.writeUInt32LE(content.length, at + 18);
      header.writeUInt16LE(nameBytes.length, at + 22);
    };

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    writeSharedFields(local, 4);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by Unix, so the external attributes are a mode
    writeSharedFields(central, 6);
    central.writeUInt32LE((((isDir ? 0o40755 : 0o100644) << 16) | (isDir ? 0x10 : 0)) >>> 0, 38);
    central.writeUInt32LE(offset, 42);

    locals.push(local, nameBytes, stored);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + stored.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
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
