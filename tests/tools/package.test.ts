// The release zip, as a site gets it: packaged (by Debian's zip) into a temporary folder, unpacked
// with Debian's unzip, and checked the way CiviCRM would use it (info.xml, mixins, the Angular manifest, the tab
// template, the classloader), plus php -l on every PHP file it ships.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module without types
import { BUNDLES, buildBundle } from '../../scripts/build.mjs';
import { packageExtension, releaseMetadata, SHIPPED } from '../../scripts/package.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;

// Debian's copy of the FSF text (libsoftware-license-perl, Software/License/AGPL_3.pm).
const AGPL_3_SHA256 = '57c8ff33c9c0cfc3ef00e650a1cc910d7ee479a8bc509f6c9209a7c2a11399d6';

const DENIED = ['node_modules', 'src', 'tests', 'scripts', 'demo', 'bench', 'dist', 'docs', '.ci', '.git',
  'package.json', 'package-lock.json', 'tsconfig.json', 'vitest.config.ts', '.gitignore', '.demo-data'];

let work: string;
let zipPath: string;
let size: number;
let ext: string;

const run = (cmd: string, args: string[], cwd = work): string =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((entry) => {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    return entry.isDirectory() ? filesUnder(dir, path) : [path];
  });
}

interface Info {
  key: string;
  file: string;
  version: string;
  releaseDate: string;
  psr4: { prefix: string; path: string }[];
  mixins: string[];
}

// SimpleXML, as CiviCRM reads info.xml; php exits non-zero on XML that does not parse.
const readInfo = (): Info =>
  JSON.parse(run('php', ['-r', `
    libxml_use_internal_errors(TRUE);
    $x = simplexml_load_file($argv[1]);
    if ($x === FALSE) { fwrite(STDERR, print_r(libxml_get_errors(), TRUE)); exit(1); }
    $psr4 = [];
    foreach ($x->classloader->psr4 ?? [] as $p) { $psr4[] = ['prefix' => (string) $p['prefix'], 'path' => (string) $p['path']]; }
    echo json_encode(['key' => (string) $x['key'], 'file' => (string) $x->file, 'version' => (string) $x->version,
      'releaseDate' => (string) $x->releaseDate, 'psr4' => $psr4,
      'mixins' => array_map('strval', iterator_to_array($x->mixins->mixin ?? [], FALSE))]);
  `, join(ext, 'info.xml')])) as Info;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'apikeytab-package-'));
  ({ path: zipPath, size } = await packageExtension({ outDir: join(work, 'dist') }));
  run('unzip', ['-q', zipPath, '-d', join(work, 'unpacked')]);
  ext = join(work, 'unpacked', 'apikeytab');
}, 60_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('npm run package', () => {
  it(`writes apikeytab-${version}.zip, a zip that unzip tests clean`, () => {
    expect(zipPath).toBe(join(work, 'dist', `apikeytab-${version}.zip`));
    expect(statSync(zipPath).size).toBe(size);
    expect(run('unzip', ['-tq', zipPath])).toMatch(/No errors detected/);
  });

  it('holds one folder apikeytab/, listed first as a directory entry (what CiviCRM looks for)', () => {
    const names = run('unzip', ['-Z1', zipPath]).trim().split('\n');
    expect(names[0]).toBe('apikeytab/');
    expect(names.every((name) => name.startsWith('apikeytab/'))).toBe(true);
    expect(readdirSync(join(work, 'unpacked'))).toEqual(['apikeytab']);
  });

  it('ships only what runs in CiviCRM', () => {
    const top = readdirSync(ext);
    expect(top.filter((name) => !SHIPPED.includes(name))).toEqual([]);
    expect(top).toEqual(expect.arrayContaining(['info.xml', 'apikeytab.php', 'Civi', 'ang', 'js', 'css', 'templates', 'l10n', 'LICENSE', 'README.md', 'CHANGELOG.md']));
    const files = filesUnder(ext);
    const denied = files.filter((file) => file.split('/').some((part) => DENIED.includes(part) || part.startsWith('.')));
    expect(denied).toEqual([]);
    expect(files.filter((file) => /\.(ts|mjs|map)$|(^|\/)test/.test(file))).toEqual([]);
  });

  it("ships exactly the repository's copy of each file, and the bundles that src/ builds to", async () => {
    const { outputFiles } = await buildBundle({ write: false });
    const built = new Map<string, Buffer>(outputFiles.map((file: { path: string; contents: Uint8Array }) => [relative(root, file.path), Buffer.from(file.contents)]));
    expect([...built.keys()].sort()).toEqual(BUNDLES.map((bundle: { out: string }) => `js/${bundle.out}.js`).sort());
    for (const file of filesUnder(ext)) {
      expect(readFileSync(join(ext, file)), file).toEqual(built.get(file) ?? readFileSync(join(root, file)));
    }
    expect(readFileSync(join(ext, 'js/crmApiKey.js'), 'utf8')).toContain('angular.module("crmApiKey"');
  });

  it('is the same bytes when packaged again, even under another umask', async () => {
    const previous = process.umask(0o077);
    try {
      const again = await packageExtension({ outDir: join(work, 'again') });
      expect(readFileSync(again.path).equals(readFileSync(zipPath))).toBe(true);
    } finally {
      process.umask(previous);
    }
  });

  it('gives every entry Unix permissions a web server can read (0644 files, 0755 folders), the release date, and no extra fields', () => {
    const { releaseDate } = releaseMetadata();
    const [year, month, day] = releaseDate.split('-');
    const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    // zipinfo's short listing: mode, version, system, size, type, method, date, time, name.
    const lines = run('zipinfo', ['-s', zipPath]).split('\n').filter((line) => /^[-d][-rwx]{9}\s/.test(line));
    expect(lines).toHaveLength(run('unzip', ['-Z1', zipPath]).trim().split('\n').length);
    for (const line of lines) {
      const [mode, , system, , , , date, time, name] = line.split(/\s+/);
      expect(mode, name).toBe(name.endsWith('/') ? 'drwxr-xr-x' : '-rw-r--r--');
      expect(system, name).toBe('unx');
      expect(`${date} ${time}`, name).toBe(`${year.slice(2)}-${months[Number(month) - 1]}-${day} 00:00`);
    }
    const extraFields = [...run('zipinfo', ['-v', zipPath]).matchAll(/length of extra field:\s+(\d+) bytes/g)].map((match) => Number(match[1]));
    expect(extraFields).toHaveLength(lines.length);
    expect(extraFields.every((length) => length === 0)).toBe(true);
  });
});

describe('the unpacked extension', () => {
  it('has an info.xml that parses, for key apikeytab, whose main file exists', () => {
    const info = readInfo();
    expect(info.key).toBe('apikeytab');
    expect(existsSync(join(ext, `${info.file}.php`))).toBe(true);
  });

  it("carries package.json's version and the CHANGELOG's date for it", () => {
    expect(readInfo()).toMatchObject(releaseMetadata());
    expect(readInfo().version).toBe(version);
  });

  it('has what each mixin of info.xml loads', () => {
    const needs: Record<string, () => boolean> = {
      'ang-php@1.0.0': () => readdirSync(join(ext, 'ang')).some((name) => name.endsWith('.ang.php')),
      'smarty@1.0.0': () => statSync(join(ext, 'templates')).isDirectory(),
      'scan-classes@1.0.0': () => readInfo().psr4.every(({ path }) => statSync(join(ext, path)).isDirectory()),
      'mgd-php@1.0.0': () => filesUnder(ext).some((file) => file.endsWith('.mgd.php')),
      'menu-xml@1.0.0': () => existsSync(join(ext, 'xml/Menu')) && readdirSync(join(ext, 'xml/Menu')).some((name) => name.endsWith('.xml')),
      // core's mixin/setting-php@1/mixin.php adds the settings/ folder; setting-admin@1 lists its settings.
      'setting-php@1.0.0': () => existsSync(join(ext, 'settings')) && readdirSync(join(ext, 'settings')).some((name) => name.endsWith('.setting.php')),
      'setting-admin@1.0.0': () => existsSync(join(ext, 'settings')) && readdirSync(join(ext, 'settings')).some((name) => name.endsWith('.setting.php')),
      // core's mixin/entity-types-php@2/mixin.php reads schema/*.entityType.php.
      'entity-types-php@2.0.0': () => existsSync(join(ext, 'schema')) && readdirSync(join(ext, 'schema')).some((name) => name.endsWith('.entityType.php')),
    };
    const { mixins } = readInfo();
    expect(mixins.length).toBeGreaterThan(0);
    for (const mixin of mixins) {
      expect(needs[mixin], `a check for mixin ${mixin}`).toBeDefined();
      expect(needs[mixin](), `what ${mixin} loads`).toBe(true);
    }
  });

  it("has every js, css and partials folder the Angular manifests name", () => {
    const manifests = readdirSync(join(ext, 'ang')).filter((name) => name.endsWith('.ang.php'));
    expect(manifests).toContain('crmApiKey.ang.php');
    for (const manifest of manifests) {
      const module = JSON.parse(run('php', ['-r', 'echo json_encode(require $argv[1]);', join(ext, 'ang', manifest)])) as Record<string, string[]>;
      const named = [...(module.js ?? []), ...(module.css ?? []), ...(module.partials ?? [])];
      expect(named.length).toBeGreaterThan(0);
      for (const path of named) expect(existsSync(join(ext, path)), `${manifest} names ${path}`).toBe(true);
    }
  });

  it('has the template each tab subscriber names', () => {
    const templates = filesUnder(ext, 'Civi')
      .flatMap((file) => [...readFileSync(join(ext, file), 'utf8').matchAll(/'template'\s*=>\s*'([^']+)'/g)])
      .map((match) => match[1]);
    expect(templates).toContain('apikeytab/ApiKeyTab.tpl');
    for (const template of templates) expect(existsSync(join(ext, 'templates', template)), template).toBe(true);
  });

  it('has each class under the psr4 path its namespace maps to', () => {
    const [{ prefix, path }] = readInfo().psr4;
    const classes = filesUnder(ext, path).filter((file) => file.endsWith('.php'));
    expect(classes.length).toBeGreaterThan(0);
    for (const file of classes) {
      const source = readFileSync(join(ext, file), 'utf8');
      const namespace = source.match(/^namespace\s+([\w\\]+);/m)?.[1] ?? '';
      const name = source.match(/^(?:final\s+|abstract\s+)?(?:class|interface|trait|enum)\s+(\w+)/m)?.[1];
      const expected = `${namespace}\\${name}`.slice(prefix.length).replace(/\\/g, '/');
      expect(`${namespace}\\${name}`.startsWith(prefix), file).toBe(true);
      expect(file, `class ${namespace}\\${name}`).toBe(`${path}/${expected}.php`);
    }
  });

  it('passes php -l on every PHP file', () => {
    const php = filesUnder(ext).filter((file) => file.endsWith('.php'));
    expect(php).toEqual(expect.arrayContaining(['apikeytab.php', 'Civi/ApiKeyTab/Tab/ContactTab.php', 'ang/crmApiKey.ang.php']));
    for (const file of php) expect(run('php', ['-l', join(ext, file)]), file).toContain('No syntax errors detected');
  });

  it('carries the GNU AGPL v3 text as LICENSE', () => {
    const license = readFileSync(join(ext, 'LICENSE'), 'utf8');
    expect(license).toMatch(/^\s+GNU AFFERO GENERAL PUBLIC LICENSE\n\s+Version 3, 19 November 2007\n/);
    expect(license).toContain('13. Remote Network Interaction; Use with the GNU General Public License.');
    expect(createHash('sha256').update(license).digest('hex')).toBe(AGPL_3_SHA256);
  });

  it('carries the translations: the template and a compiled catalogue per .po', () => {
    const l10n = filesUnder(ext, 'l10n');
    expect(l10n).toContain('l10n/apikeytab.pot');
    for (const po of l10n.filter((file) => file.endsWith('.po'))) expect(l10n).toContain(po.replace(/\.po$/, '.mo'));
  });
});

describe('release metadata', () => {
  const copy = (edit: (dir: string) => void): string => {
    const dir = mkdtempSync(join(work, 'meta-'));
    for (const file of ['package.json', 'info.xml', 'CHANGELOG.md']) cpSync(join(root, file), join(dir, file));
    edit(dir);
    return dir;
  };
  const replaceIn = (dir: string, file: string, from: RegExp, to: string) =>
    writeFileSync(join(dir, file), readFileSync(join(dir, file), 'utf8').replace(from, to));

  it('agrees today', () => {
    expect(releaseMetadata()).toEqual({ version, releaseDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
  });

  it('stops packaging when info.xml has another version than package.json', () => {
    const dir = copy((d) => replaceIn(d, 'info.xml', /<version>[^<]*</, '<version>0.9.0<'));
    expect(() => releaseMetadata(dir)).toThrow(`info.xml <version> is 0.9.0, package.json says ${version}`);
  });

  it('stops packaging when info.xml has another date than the CHANGELOG gives the version', () => {
    const dir = copy((d) => replaceIn(d, 'info.xml', /<releaseDate>[^<]*</, '<releaseDate>2020-01-01<'));
    expect(() => releaseMetadata(dir)).toThrow(/info\.xml <releaseDate> is 2020-01-01, CHANGELOG\.md dates/);
  });

  it('stops packaging when the CHANGELOG has no dated heading for the version', () => {
    const dir = copy((d) => replaceIn(d, 'package.json', /"version": "[^"]*"/, '"version": "9.9.9"'));
    expect(() => releaseMetadata(dir)).toThrow('CHANGELOG.md has no heading "## [9.9.9] - YYYY-MM-DD"');
  });
});
