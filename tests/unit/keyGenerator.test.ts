// @vitest-environment node
// The key generator as it ships: vitest.config.ts points the unit project's `nanoid` at nanoid's
// browser build, the one esbuild puts in js/crmApiKey.js (under plain Node, `nanoid` would be its
// node:crypto pool build, which hands out bytes drawn before a test replaces the random source).
// The last describe block checks the bundle that src/ builds to.
import { afterEach, describe, expect, it, vi } from 'vitest';
// @ts-expect-error: a plain ES module without types
import { buildBundle } from '../../scripts/build.mjs';
import { generateApiKey, KEY_ALPHABET, KEY_LENGTH } from '../../src/tab/keyGenerator';

/** Replaces crypto.getRandomValues: the n-th call (from 0) fills the array with byteFor(n). */
function fillEachCallWith(byteFor: (call: number) => number) {
  let calls = 0;
  return vi.spyOn(globalThis.crypto, 'getRandomValues').mockImplementation(<T extends ArrayBufferView | null>(array: T): T => {
    (array as unknown as Uint8Array).fill(byteFor(calls++));
    return array;
  });
}

afterEach(() => vi.restoreAllMocks());

describe('generateApiKey', () => {
  it('makes 32 characters of A-Z a-z 0-9', () => {
    for (let i = 0; i < 1000; i++) expect(generateApiKey()).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(KEY_LENGTH).toBe(32);
    expect(KEY_ALPHABET).toMatch(/^[A-Za-z0-9]{62}$/);
    expect(new Set(KEY_ALPHABET).size).toBe(62);
  });

  it('never repeats a key in 50,000 draws', () => {
    const keys = new Set(Array.from({ length: 50_000 }, () => generateApiKey()));
    expect(keys.size).toBe(50_000);
  });

  // 5,000 keys are 160,000 characters: each of the 62 is expected 2,580.6 times (sd about 50).
  // Every count must lie within 10% (about 5 sd) and the chi-square statistic (61 degrees of
  // freedom) under 110, which a fair generator exceeds about once in 10,000 runs. One byte a
  // character taken modulo 62 (bytes 248-255 folded onto A-H) makes A-H 21% likelier: chi-square
  // about 1,050, caught by both checks.
  it('uses every character equally often, at every position', () => {
    const keys = Array.from({ length: 5_000 }, () => generateApiKey());
    const counts = new Map<string, number>([...KEY_ALPHABET].map((c) => [c, 0]));
    for (const key of keys) for (const c of key) counts.set(c, (counts.get(c) ?? 0) + 1);
    const expected = (keys.length * KEY_LENGTH) / 62;
    let chiSquare = 0;
    for (const count of counts.values()) {
      expect(Math.abs(count - expected) / expected).toBeLessThan(0.1);
      chiSquare += (count - expected) ** 2 / expected;
    }
    expect(chiSquare).toBeLessThan(110);

    // Each position on its own: every character expected about 81 times, so all 62 show up.
    for (let position = 0; position < KEY_LENGTH; position++) {
      expect(new Set(keys.map((key) => key[position])).size, `position ${position}`).toBe(62);
    }
  });

  it('takes its randomness from crypto.getRandomValues, never Math.random', () => {
    const random = vi.spyOn(Math, 'random');
    const source = vi.spyOn(globalThis.crypto, 'getRandomValues');
    generateApiKey();
    expect(source).toHaveBeenCalled();
    expect(random).not.toHaveBeenCalled();
  });

  it('follows crypto.getRandomValues: a fixed byte gives the character it names, every time', () => {
    fillEachCallWith(() => 0);
    expect(generateApiKey()).toBe('A'.repeat(32));
    vi.restoreAllMocks();
    fillEachCallWith(() => 61);
    expect(generateApiKey()).toBe('9'.repeat(32));
    vi.restoreAllMocks();
    fillEachCallWith(() => 62 + 27); // 62 + 27: the 28th character again
    expect(generateApiKey()).toBe('b'.repeat(32));
  });

  it('throws bytes 248-255 away instead of folding them onto A-H (no modulo bias)', () => {
    const source = fillEachCallWith((call) => (call === 0 ? 255 : 1));
    expect(generateApiKey()).toBe('B'.repeat(32));
    expect(source).toHaveBeenCalledTimes(2);
  });
});

describe('the bundle src/ builds to (js/crmApiKey.js)', () => {
  it('carries the browser generator: crypto.getRandomValues, no Node crypto, no Math.random', async () => {
    const { outputFiles } = await buildBundle({ write: false });
    const bundle: string = outputFiles.find((file: { path: string }) => file.path.endsWith('/js/crmApiKey.js')).text;
    expect(bundle).toContain(KEY_ALPHABET);
    expect(bundle).toContain('crypto.getRandomValues(');
    expect(bundle).not.toMatch(/node:crypto|webcrypto|randomFill|\brequire\(/);
    expect(bundle).not.toMatch(/Math\.random/);
  });
});
