// `npm start` as a person (or the browser tests, through tests/support/demo.ts) runs it.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startDemo } from '../support/demo';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('node demo/server.mjs', () => {
  it('prints one line with the real port, serves, and exits cleanly on SIGTERM', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'apikeytab-demo-'));
    const child = spawn(process.execPath, ['demo/server.mjs'], {
      cwd: root,
      env: { ...process.env, PORT: '0', DEMO_DATA: join(directory, 'demo.json') },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: string) => {
        stdout += chunk;
        const match = /^apikeytab demo: (http:\/\/127\.0\.0\.1:(\d+)\/)\n/.exec(stdout);
        if (match) resolve(match[1]);
      });
      child.once('exit', (code) => reject(new Error(`exited with ${code}`)));
    });
    expect(url).not.toMatch(/:0\/$/);
    expect((await fetch(url)).status).toBe(200);

    const exitCode = await new Promise<number | null>((resolve) => {
      child.once('exit', (code) => resolve(code));
      child.kill('SIGTERM');
    });
    expect(exitCode).toBe(0);
    expect(stdout).toBe(`apikeytab demo: ${url}\n`);
    rmSync(directory, { recursive: true, force: true });
  }, 30_000);

  it('keeps its data file across a restart of the child process', async () => {
    const demo = await startDemo();
    try {
      const login = await fetch(new URL('/?user=admin', demo.url));
      const cookie = /^(SESSCIVISO=[0-9a-f]+)/.exec(login.headers.get('set-cookie')!)![1];
      const setKey = (base: string) =>
        fetch(new URL('/civicrm/ajax/api4/Contact/update', base), {
          method: 'POST',
          headers: { Cookie: cookie, 'X-Requested-With': 'XMLHttpRequest', 'Content-Type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ params: JSON.stringify({ where: [['id', '=', 3]], values: { api_key: 'RestartRestartRestart123' } }) }),
        });
      expect((await setKey(demo.url)).status).toBe(200);

      await demo.restart();

      const page = await fetch(new URL('/?cid=3', demo.url), { headers: { Cookie: cookie } }).then((response) => response.text());
      expect(page).toContain('has-key="true"');
      expect(page).toContain('key-hint="&quot;t123&quot;"');
      expect(demo.stderr()).not.toContain('RestartRestartRestart123');
    } finally {
      await demo.stop();
    }
  }, 60_000);
});
