// The data file: keys and grants survive a restart, writes leave no temporary files, and a
// corrupt file is moved aside instead of stopping the demo.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { api4, authxId, control, logIn, startInProcessDemo, type InProcessDemo } from './support/demoClient';

const KEY = 'PersistMePersistMePersistMe12345';
let demo: InProcessDemo | undefined;

afterEach(async () => {
  await demo?.dispose();
  demo = undefined;
});

async function storedKey(running: InProcessDemo, cookie: string, cid: number) {
  const answer = await api4(running, 'Contact', 'get', { select: ['id', 'api_key'], where: [['id', '=', cid]] }, { cookie });
  return answer.json.values[0].api_key;
}

describe('across a restart', () => {
  it('keeps keys, authx grants and sessions', async () => {
    demo = await startInProcessDemo();
    const admin = await logIn(demo, 'admin');
    expect((await api4(demo, 'Contact', 'update', { where: [['id', '=', 4]], values: { api_key: KEY } }, { cookie: admin })).status).toBe(200);
    expect((await control(demo, 'POST', '/demo/authx-grant', { cid: 4, granted: true }, admin)).status).toBe(200);

    await demo.restart();

    expect(await storedKey(demo, admin, 4)).toBe(KEY);
    expect((await authxId(demo, { 'X-Civi-Auth': `Bearer ${KEY}` })).json).toEqual({ contact_id: 4, user_id: 2, flow: 'xheader', cred: 'api_key' });
  });

  it('keeps a revocation', async () => {
    demo = await startInProcessDemo();
    const admin = await logIn(demo, 'admin');
    await api4(demo, 'Contact', 'update', { where: [['id', '=', 3]], values: { api_key: KEY } }, { cookie: admin });
    await api4(demo, 'Contact', 'update', { where: [['id', '=', 3]], values: { api_key: null } }, { cookie: admin });
    await demo.restart();
    expect(await storedKey(demo, admin, 3)).toBeNull();
  });
});

describe('writing the data file', () => {
  it('replaces it whole and leaves no temporary file behind', async () => {
    demo = await startInProcessDemo();
    const admin = await logIn(demo, 'admin');
    const directory = join(demo.dataFile, '..');
    await Promise.all(
      Array.from({ length: 20 }, (_, round) =>
        api4(demo!, 'Contact', 'update', { where: [['id', '=', 3]], values: { api_key: `ConcurrentWrite${String(round).padStart(17, '0')}` } }, { cookie: admin }),
      ),
    );
    expect(readdirSync(directory)).toEqual(['demo.json']);
    const saved = JSON.parse(readFileSync(demo.dataFile, 'utf8'));
    expect(saved.apiKeys['3']).toMatch(/^ConcurrentWrite\d{17}$/);
    expect(saved.apiKeys['3']).toBe(await storedKey(demo, admin, 3));
  });

  it('removes temporary files a crash left behind', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'apikeytab-demo-'));
    writeFileSync(join(directory, 'demo.json.tmp-999-deadbeef'), '{"half": ');
    demo = await startInProcessDemo(directory);
    expect(readdirSync(directory)).toEqual(['demo.json']);
  });
});

describe('a corrupt data file', () => {
  it('is moved aside with a warning naming where, and the demo starts from the seed', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'apikeytab-demo-'));
    const corrupt = '{"apiKeys": {"3": "half a file';
    writeFileSync(join(directory, 'demo.json'), corrupt);

    demo = await startInProcessDemo(directory);

    const movedAside = readdirSync(directory).filter((name) => name.startsWith('demo.json.corrupt-'));
    expect(movedAside).toHaveLength(1);
    expect(readFileSync(join(directory, movedAside[0]), 'utf8')).toBe(corrupt);
    expect(demo.logLines.join('\n')).toContain(join(directory, movedAside[0]));
    const admin = await logIn(demo, 'admin');
    expect(await storedKey(demo, admin, 3)).toBeNull();
    expect(existsSync(demo.dataFile)).toBe(true);
    expect(() => JSON.parse(readFileSync(demo!.dataFile, 'utf8'))).not.toThrow();
  });

  it('that is valid JSON but not an object is treated the same way', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'apikeytab-demo-'));
    writeFileSync(join(directory, 'demo.json'), '[1, 2, 3]');
    demo = await startInProcessDemo(directory);
    expect(readdirSync(directory).some((name) => name.startsWith('demo.json.corrupt-'))).toBe(true);
  });
});
