// usage: const demo = await startDemo(); ... await demo.restart(); ... await demo.stop();
//
// Runs `node demo/server.mjs` the way `npm start` does (build, then serve) on a free port with a
// temporary data file, so browser tests drive exactly what a person trying the demo would get.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const STARTUP_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

export interface RunningDemo {
  url: string;
  dataFile: string;
  /** What the server wrote to stderr (warnings and one line per request). */
  stderr(): string;
  stop(): Promise<void>;
  /** Stops the server and starts it again on the same data file; `url` changes. */
  restart(): Promise<void>;
}

function launch(dataFile: string, stderrLines: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['demo/server.mjs'], {
    cwd: root,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DEMO_DATA: dataFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => stderrLines.push(chunk));
  return new Promise((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`The demo did not print its URL within ${STARTUP_TIMEOUT_MS} ms:\n${stderrLines.join('')}`));
    }, STARTUP_TIMEOUT_MS);
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      stdout += chunk;
      const url = /apikeytab demo: (http:\/\/\S+)/.exec(stdout)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ child, url });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The demo exited with ${code} before serving:\n${stderrLines.join('')}`));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export async function startDemo(): Promise<RunningDemo> {
  const directory = mkdtempSync(join(tmpdir(), 'apikeytab-demo-'));
  const dataFile = join(directory, 'demo.json');
  const stderrLines: string[] = [];
  let running = await launch(dataFile, stderrLines);
  const demo: RunningDemo = {
    url: running.url,
    dataFile,
    stderr: () => stderrLines.join(''),
    async stop() {
      await stopChild(running.child);
      rmSync(directory, { recursive: true, force: true });
    },
    async restart() {
      await stopChild(running.child);
      running = await launch(dataFile, stderrLines);
      demo.url = running.url;
    },
  };
  return demo;
}
