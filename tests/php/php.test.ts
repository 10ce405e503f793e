// The PHP side under php-cli, without CiviCRM: syntax of every PHP file, the subscribers' decisions,
// the tab template, the managed records and the overview page (tests/php/*-cases.php, one test per
// case), and info.xml.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

// Throws with PHP's stderr in the message when php exits non-zero.
const php = (...args: string[]): string =>
  execFileSync('php', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

function phpFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === '.git' ? [] : phpFiles(path);
    return entry.name.endsWith('.php') ? [relative(root, path)] : [];
  });
}

// Kept here as well as in the scripts: if a script dies or drops a case, these tests still exist
// and fail, instead of the suite quietly shrinking.
const CASE_SCRIPTS: Record<string, string[]> = {
  'tests/php/tab-cases.php': [
    'subscribes to hook_civicrm_tabset as an AutoSubscriber',
    'admin on another contact with a key: tab, count 1, last 4 characters, module loaded',
    'admin on a contact without a key: count 0, no hint',
    'an empty key counts as no key',
    '"edit api keys" with "edit all contacts": full tab on any contact',
    '"edit api keys" without edit access to the contact (wire 38, 39): the tab, read-only',
    '"edit api keys" with edit access through an ACL or relationship: may change',
    '"administer CiviCRM" alone, without edit access: read-only too',
    'self-service user without "edit my contact": their own tab, read-only',
    'edit access check failing: the tab shows read-only, and the error is logged',
    'trashed contact: in_trash, read from the same single Contact.get',
    "site time: the site's date-time and time formats, its locale and its clock, site-local",
    'site time: the tab and the key overview hand over the same thing, from one function (Civi\\ApiKeyTab\\SiteTime)',
    'self-service user on their own contact: tab without a hint although a key is set',
    "self-service user on someone else's contact: no tab, no query, no module",
    'no key permission, even on their own contact: no tab, no query, no module',
    'nobody logged in: "edit own api keys" matches no contact',
    'no contact in the context: no tab, nothing asked',
    'Contact Layout editor: the entry alone, no query, no module',
    'another tabset, even one naming a contact: tabs untouched, nothing asked',
    'hostile key: the hint is its last 4 characters, and the key stays out',
    'multibyte key: the hint is the last 4 characters, not bytes',
    'a key shorter than 4 characters is its own hint',
    'last change: the newest key-change activity on the contact, in 2 queries per page view',
    'last change by a contact deleted since: by is null',
    'last change lookup failing: the tab shows without it, and the error is logged',
    'key lookup failing: no tab, no module, the contact summary still renders, and the error is logged',
    'hostile contact name, key and date: no "{{" reaches an attribute, and the text reads the same',
    'template picks its entry ($block on 6.x, $tabValue on 5.x), then holds only {$apiKeyTab.NAME|@json|escape} tags (Smarty 2-5 safe)',
    'template handed the entry as 5.x core does ($tabValue): no binding is null (the 1.0 template read $block only)',
    "template carries the subscriber's entry for a hostile key through |@json|escape",
    'template carries hostile values of every kind through |@json|escape',
  ],
  'tests/php/smarty3-cases.php': [
    "the Smarty rendering is Debian's 3.x",
    "the subscriber's entry, handed as 5.x and as 6.x core hand it: every binding carries its value",
    "a read-only, trashed contact's entry with a hostile key and name, handed each way",
    'hostile values of every kind, through the real |@json|escape, handed each way',
    'the exact-Smarty-5 emulation and this Smarty render the same markup',
  ],
  'tests/php/smarty4-cases.php': [
    "the Smarty rendering is Debian's 4.x",
    "the subscriber's entry, handed as 5.x and as 6.x core hand it: every binding carries its value",
    "a read-only, trashed contact's entry with a hostile key and name, handed each way",
    'hostile values of every kind, through the real |@json|escape, handed each way',
    'the exact-Smarty-5 emulation and this Smarty render the same markup',
  ],
  'tests/php/audit-cases.php': [
    'subscribes to hook_civicrm_pre (after hook functions), hook_civicrm_post and the job hooks as an AutoSubscriber',
    'an old-style hook_civicrm_pre function that adds api_key to the params: the change is recorded',
    'no key, then a key: "API key generated", by the logged-in contact',
    'an empty key counts as none: "API key generated"',
    'a key, then another: "API key replaced"',
    'a key, then null: "API key revoked"',
    "a key, then '': \"API key revoked\"",
    'the same key again, or no key cleared again: nothing recorded',
    'a change the write did not make (params say so, the column does not): nothing recorded',
    '33 characters sent, 29 + "..." saved: judged by what was saved',
    'an edit without api_key: no query, nothing recorded',
    'organizations and households are audited; other objects and operations are not even read',
    'a new contact created with a key: "API key generated", in one query',
    'a new contact created without a key: no query, nothing recorded',
    "nobody logged in, on the command line (cv, scripts): the domain's organization is the source, and the details say so",
    "nobody logged in, in a scheduled job: the domain's organization is the source, and the details say a job made it",
    'a job run by a logged-in user ("Execute now"): the user is the source',
    'recordAs(): a revoke made inside is recorded with the given subject; other changes and later revokes keep theirs',
    'recordAs(): the subject does not outlive a write that throws',
    'a session holding the id as a string: the source is a number',
    'no part of any key reaches any field of any activity',
    'writing the activity audits nothing it causes',
    'a failed activity write is logged without the key, and the key change stands',
    'a failed read before the write is logged, and the edit goes on unrecorded',
    'a write that failed after pre leaves nothing for the next edit to misreport',
    'a write that threw between pre and post: a later unrelated edit is not taken for a key change, even after the key changed elsewhere',
    "a nested write of the same contact's key between pre and post: both recorded, the outer against what the nested one left",
    'a nested edit of other fields between pre and post: the outer key change is still recorded',
    'managed/ActivityType.mgd.php declares the activity type as an OptionValue',
  ],
  'tests/php/doubles-cases.php': [
    'wire 36: key holders without naming is_deleted leave the trashed contact out',
    'wire 37: with is_deleted IN [false, true] the trashed contact is listed',
    'wire 39: "edit api keys" without edit access reads the key by id',
    'wire 14: without key permissions api_key is absent from every record, no error',
    'a where on api_key from a viewer who may not read keys is dropped without a word',
  ],
  'tests/php/navigation-cases.php': [
    'two entries for the overview: under Users and Permissions and under Contacts',
    'a user with "edit api keys" alone sees an entry (under Contacts); an administrator sees both',
    'nobody the page refuses sees an entry, and everyone it admits sees one',
  ],
  'tests/php/overview-cases.php': [
    'the menu file routes civicrm/admin/apikeys to the page class, titled "API Keys"',
    'the route is open to "administer CiviCRM" OR "edit api keys", nothing else',
    'the page sets its title, loads crmApiKeyOverview and renders its template, assigning nothing',
    "the page hands the site's date formats and clock to the module as CRM.vars.apikeytab.siteTime",
    'the page tells the module whether the viewer may open the expiry settings (administer CiviCRM or administer apikeytab)',
    'the page tells the module whether the viewer may revoke any key (edit all contacts, wire 38)',
    'the template is the component inside <crm-angular-js>, with no Smarty tag at all',
    "ang/crmApiKeyOverview.ang.php declares the module like the tab's, with files that exist",
    "managed/Navigation.mgd.php puts \"API Keys\" under Users and Permissions, for the route's permissions",
    'the menu entry and the route agree on the permissions',
  ],
  'tests/php/expiry-cases.php': [
    'settings: three domain settings of group apikeytab on its admin page, numbers of days validated by one callback',
    'settings: a negative, fractional, non-numeric, empty or absurd number of days is refused with a message naming the setting',
    'settings form: a maximum below the default, "never" under a maximum, or notice longer than the maximum are refused on the field; sensible values pass',
    'settings form: other forms and other settings pages are left alone',
    'policy: settings read with their defaults; a default of never or beyond the maximum is read as the maximum',
    'policy: expiresIn N days ends N days from now, same time; under 1 day or past the maximum is refused',
    'policy: expiresOn ends at the end of that day, site time; today is allowed, the past and non-dates are refused',
    'policy: expiresOn past the maximum is refused; the last day within it is allowed',
    'policy: neither means never, refused under a maximum; a key set elsewhere gets the maximum, or no expiry',
    'setExpiry: an administrator sets an expiry; the row gets it, its reminder is cleared; the answer is [{contact_id, expires_date}]',
    'setExpiry: "edit api keys" without edit access to the contact is refused, and nothing is written',
    "setExpiry: own key with \"edit own api keys\" and \"edit my contact\" is allowed; someone else's key is refused",
    'setExpiry: a contact without a key, or without a contactId, is refused; so is a choice the policy refuses, and nothing is written',
    'setExpiry: a missing row, or one for another key, starts afresh for the key the contact has now',
    'a key set elsewhere (any Contact.update with api_key) expires after the site maximum; without a maximum it does not expire',
    'job: managed/Job.mgd.php declares apikeytab_expire_keys, daily, ApiKeyRecord.expire, APIv4 without permission checks',
    'job: an expired key is revoked through Contact.update(FALSE) in its own transaction, recorded as "API key expired"; keys that end later stay',
    'job: one reminder per key, notice days before its end, to whoever set it and to the contact, with nothing of the key',
    'job: a second run sends nothing and revokes nothing',
    'job: one key failing to revoke: the others go on, that key stays whole and unrecorded, the next run revokes it',
    'job: the activity failing after the revoke: the revoke stands, its row goes, the gap is logged without the key',
    'job: a reminder no message of which went out is given back, so the next run sends it; one that reached one recipient is not sent again',
    'job: the reminder is recorded before it is sent (a crash between them loses one, never sends two)',
    'job: a row whose key was replaced outside the API, or is gone, is neither revoked nor reminded; notice 0 sends nothing; nobody to mail is recorded once',
    'managed/MessageTemplate.mgd.php: the reminder workflow, an editable default and the reserved original; no key among its variables',
  ],
  'tests/php/lifecycle-schema-cases.php': [
    'schema/ApiKeyRecord.entityType.php: entity ApiKeyRecord on civicrm_apikeytab_key, its DAO class, left out of logging',
    'the SQL creates exactly the declared columns, types and nullability',
    'the SQL has the unique contact_id, the fingerprint index and both foreign keys as declared',
    "the table takes the character set and collation the site already uses, as core's SqlGenerator does (utf8 on sites from before 5.33)",
    'the foreign keys hold: deleting a contact removes its row, deleting who set it empties set_by',
    'info.xml names CRM_ApiKeyTab_Upgrader, a CRM_Extension_Upgrader_Base with the one revision 1100',
    'install creates the table; after install, the date recording began is kept',
    'upgrade from 1.0.0: upgrade_1100 creates the table; run again, it changes nothing',
    'upgrade from 1.0.0 that cannot save the date (stale settings metadata): the table is made, and the first read saves it, so an old key reads "No use recorded since", never "Never used"',
    'uninstall drops the table',
    'detailed logging leaves the table out (hook_civicrm_alterLogTables), and only it',
    'APIv4 ApiKeyRecord: a DAOEntity read with "administer CiviCRM" or "edit api keys", written directly by administrators only; setExpiry also "edit own api keys"',
    'the date recording began is a declared setting, hidden from the settings form',
  ],
  'tests/php/lifecycle-watch-cases.php': [
    'subscribes to civi.authx.checkCredential at -250 (before core: api_key -300, jwt -400) and civi.invoke.auth at -100 (after authx, 0)',
    'fresh record (used 59 s ago): 1 added query, no write',
    'stale record (used 61 s ago): 1 query, then 1 write of the date and the address',
    'a key set through the API and never used: its first use is written',
    'the space authx 6.15 appends to credValue is not part of the key; older cores without it find the same row',
    'a row for another key (changed outside the API): no match, and the row starts afresh for the current key',
    'a key that predates the extension (no row): the row is started at its first use, set date unknown',
    'a key without a record on a site with a maximum lifetime: from its first use it ends after the maximum',
    "a user with a time zone of their own: the use and the end are site time, as before authx's login() switched zones",
    'expired key: refused at checkCredential with "API key has expired", nothing written',
    'no expiry, or one still ahead: not refused, and it costs nothing more than the one query',
    "a key sent in other letter case, which authx accepts (MySQL compares api_key case-blind): still refused once expired, and its row stays the stored key's",
    'a key nobody has, or one authx refuses (guard): nothing written, nothing refused by us',
    'JWT (AuthxCredential) and password logins are not API keys: nothing looked up, nothing recorded',
    'legacy civicrm/ajax/rest (flow legacyrest) is recorded like any other flow',
    'an IPv6 address is kept whole; no address (CLI) is recorded as none',
    'a key shared by two contacts: the row of the contact authx logged in is the one written',
    'a failing read: logged without the key or its fingerprint, nothing refused, the request goes on',
    'a failing write: logged without the key or its fingerprint, the request goes on',
    'the table never holds the key: only its SHA-256',
  ],
  'tests/php/lifecycle-sync-cases.php': [
    'subscribes to hook_civicrm_pre (after hook functions, -200) and hook_civicrm_post as an AutoSubscriber',
    'a new key: the row starts afresh: set now by the logged-in contact, never used, no expiry',
    "a replaced key: the old key's use, address, expiry and reminder are gone",
    "a revoked key (null or ''): the row is removed",
    'the same key saved again: its history stands',
    'judged by what was saved: 33 characters sent, 29 + "..." stored',
    'an edit without api_key, other objects and deletes: nothing read, nothing written',
    'organizations and households too; a create with a key starts the row, a create without costs nothing',
    'nobody logged in (cv, cron): set_by is empty',
    'a failing write: logged without the key, and the key change stands',
  ],
  'tests/php/lifecycle-tab-cases.php': [
    'a used key, for a viewer who may read keys: when and from where, its expiry; one query by contact',
    'a viewer who may not read keys sees the date, not the address',
    'set through the API and never used: "Never used" (no last use, no usage_since)',
    'a key from before the extension (no row): "No use recorded since" the date recording began',
    'a row started at a first use (set date unknown): the use, and usage_since',
    "a row for another key counts as no row: nothing of the old key's use or expiry shows",
    'no key: no query, and the policy is still there (Generate needs it)',
    'policy from the settings: 0 means never / no maximum; absent settings read as never, none, 7 days',
    'a failing lookup: null (the tab shows as in 1.0), logged without the key',
    "ContactTab hands it over in the tab's entry as `lifecycle`",
  ],
  'tests/php/token-cases.php': [
    'token binding: null without "generate any authx credential", and the crypto registry is not asked',
    'token binding: {signing: true} with a SIGN key, {signing: false} without one (CIVICRM_SIGN_KEYS missing)',
    'token binding: a registry that fails otherwise says {signing: false} and logs the cause',
    'the tab entry carries the binding: null for a key administrator without the permission, {signing} for one with it',
    'token audit: subscribes to civi.api.respond as an AutoSubscriber',
    'token audit: AuthxCredential.create records "Temporary token issued (valid until <site date>)" on the contact, by the logged-in user, never the token',
    "token audit: nobody logged in (cv): the token's contact is the source",
    'token audit: other calls (APIv3 arrays, other entities and actions, no contact) record nothing',
    'token audit: a failing activity write is logged without the token, and the response is untouched',
    'managed/ActivityType.mgd.php declares the activity type apikeytab_token_issued, reserved, out of the New Activity menus',
  ],
};

interface CaseResult {
  name: string;
  ok: boolean;
  message: string;
}

// Run once while the tests are collected, so that each case can be a test of its own.
function runCases(script: string): { results: CaseResult[]; crash: string } {
  try {
    return { results: JSON.parse(php(script)) as CaseResult[], crash: '' };
  } catch (error) {
    return { results: [], crash: String(error) };
  }
}

interface InfoXml {
  key: string;
  type: string;
  file: string;
  name: string;
  description: string;
  license: string;
  author: string;
  email: string;
  urls: Record<string, string>;
  releaseDate: string;
  version: string;
  develStage: string;
  compatibility: string[];
  phpCompatibility: string[];
  psr4: { prefix: string; path: string };
  psr0: { prefix: string; path: string };
  mixins: string[];
}

let infoXml: InfoXml | undefined;
const info = (): InfoXml => (infoXml ??= JSON.parse(php('tests/php/info-xml.php')) as InfoXml);

describe('php-cli', () => {
  // CiviCRM requires these too; on a bare machine they come from Debian's php-mbstring and php-xml.
  // pdo_sqlite (Debian's php-sqlite3): the lifecycle cases run the key table's SQL in SQLite.
  it('has the extensions the subscriber and these tests use: mbstring, dom, SimpleXML, pdo_sqlite', () => {
    expect(php('-m').split('\n')).toEqual(expect.arrayContaining(['mbstring', 'dom', 'SimpleXML', 'pdo_sqlite']));
  });
});

describe('php -l', () => {
  const files = phpFiles(root);

  it("finds the extension's PHP files", () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'apikeytab.php', 'Civi/ApiKeyTab/Tab/ContactTab.php', 'Civi/ApiKeyTab/Audit/KeyAudit.php', 'CRM/ApiKeyTab/Page/KeyOverview.php',
        'managed/ActivityType.mgd.php', 'managed/Navigation.mgd.php', 'ang/crmApiKey.ang.php', 'ang/crmApiKeyOverview.ang.php',
      ]),
    );
  });

  for (const file of files) {
    it(file, () => {
      expect(php('-l', file)).toContain('No syntax errors detected');
    });
  }
});

for (const [script, expectedCases] of Object.entries(CASE_SCRIPTS)) {
  describe(script, () => {
    const { results, crash } = runCases(script);

    it('the script ran and reported exactly the expected cases', () => {
      expect(crash).toBe('');
      expect(results.map((result) => result.name)).toEqual(expectedCases);
    });

    for (const name of expectedCases) {
      it(name, () => {
        const result = results.find((candidate) => candidate.name === name);
        expect(result, crash || 'the script did not report this case').toBeDefined();
        expect(result?.message).toBe('');
        expect(result?.ok).toBe(true);
      });
    }
  });
}

describe('info.xml', () => {
  it('is well-formed and names the extension apikeytab, a module', () => {
    expect(info()).toMatchObject({ key: 'apikeytab', type: 'module', name: 'API Key Tab' });
  });

  it('names a main file that exists (CiviCRM answers 500 to every request without it)', () => {
    expect(info().file).toBe('apikeytab');
    expect(existsSync(join(root, `${info().file}.php`))).toBe(true);
  });

  it("has the version of package.json", () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    expect(info().version).toBe(pkg.version);
  });

  // setting-php reads settings/apikeytab.setting.php; setting-admin (5.67+) makes its form at
  // civicrm/admin/setting/apikeytab.
  it('declares exactly the mixins ang-php, entity-types-php, mgd-php, menu-xml, scan-classes, setting-admin, setting-php and smarty', () => {
    expect(info().mixins).toEqual(['ang-php@1.0.0', 'entity-types-php@2.0.0', 'mgd-php@1.0.0', 'menu-xml@1.0.0', 'scan-classes@1.0.0', 'setting-admin@1.0.0', 'setting-php@1.0.0', 'smarty@1.0.0']);
  });

  it('maps Civi\\ to a Civi folder that scan-classes can scan', () => {
    expect(info().psr4).toEqual({ prefix: 'Civi\\', path: 'Civi' });
    expect(statSync(join(root, 'Civi')).isDirectory()).toBe(true);
  });

  // The route's page class is a CRM_ class (CRM_Core_Invoke recognises namespaced pages only in
  // recent cores), found the way civix extensions find theirs.
  it('maps CRM_ classes psr0-style from the extension root, where CRM/ is', () => {
    expect(info().psr0).toEqual({ prefix: 'CRM_', path: '.' });
    expect(statSync(join(root, 'CRM')).isDirectory()).toBe(true);
  });

  it('states CiviCRM 5.75 and PHP 8.1 onwards', () => {
    expect(info().compatibility).toEqual(['5.75']);
    expect(info().phpCompatibility[0]).toBe('8.1');
  });

  it('carries its release metadata', () => {
    expect(info()).toMatchObject({
      license: 'AGPL-3.0',
      author: 'apikeytab developers',
      email: 'apikeytab@example.org',
      releaseDate: '2026-12-01',
      develStage: 'stable',
    });
    expect(info().description.length).toBeGreaterThan(40);
    expect(Object.keys(info().urls)).toEqual(['Main Extension Page', 'Support', 'Licensing']);
    expect(info().urls.Licensing).toBe('https://www.gnu.org/licenses/agpl-3.0.html');
  });
});
