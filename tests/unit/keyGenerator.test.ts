import { describe, expect, it, vi } from 'vitest';
import { generateApiKey, KEY_ALPHABET, KEY_LENGTH, type RandomFill } from '../../src/tab/keyGenerator';

describe('generateApiKey', () => {
  it('makes 32 characters of A-Z a-z 0-9', () => {
    for (let i = 0; i < 1000; i++) expect(generateApiKey()).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(KEY_LENGTH).toBe(32);
    expect(new Set(KEY_ALPHABET).size).toBe(62);
  });

  it('never repeats a key in 20,000 draws', () => {
    const keys = new Set(Array.from({ length: 20_000 }, () => generateApiKey()));
    expect(keys.size).toBe(20_000);
  });

  // 5,000 keys are 160,000 characters: each of the 62 is expected 2,580.6 times (sd about 50).
  // Every count must lie within 10% (about 5 sd) and the chi-square statistic (61 degrees of
  // freedom) under 110, which a fair generator exceeds about once in 10,000 runs.
  it('uses every character equally often, at every position', () => {
    const keys = Array.from({ length: 5_000 }, () => generateApiKey());
    const counts = new Map<string, number>([...KEY_ALPHABET].map((c) => [c, 0]));
    for (const key of keys) for (const c of key) counts.set(c, (counts.get(c) ?? 0) + 1);
    const total = keys.length * KEY_LENGTH;
    const expected = total / 62;
    let chiSquare = 0;
    for (const count of counts.values()) {
      expect(Math.abs(count - expected) / expected).toBeLessThan(0.1);
      chiSquare += (count - expected) ** 2 / expected;
    }
    expect(chiSquare).toBeLessThan(110);

    // First and last positions separately: a base conversion that favoured low digits would show here.
    for (const position of [0, KEY_LENGTH - 1]) {
      const seen = new Set(keys.map((key) => key[position]));
      expect(seen.size).toBe(62);
    }
  });

  it('draws from crypto.getRandomValues, never Math.random', () => {
    const random = vi.spyOn(Math, 'random');
    const crypto = vi.spyOn(globalThis.crypto, 'getRandomValues');
    generateApiKey();
    expect(crypto).toHaveBeenCalled();
    expect(random).not.toHaveBeenCalled();
    random.mockRestore();
    crypto.mockRestore();
  });

  it('throws away a draw past the last whole copy of the key space instead of folding it (no modulo bias)', () => {
    // All-ones is above the cutoff: it must be redrawn, not reduced.
    const draws = [0xff, 0x00];
    let fills = 0;
    const fill: RandomFill = (bytes) => {
      bytes.fill(draws[Math.min(fills, draws.length - 1)]);
      fills++;
      return bytes;
    };
    expect(generateApiKey(fill)).toBe('A'.repeat(32));
    expect(fills).toBe(2);
  });

  it('spells the drawn number in base 62, least significant character first', () => {
    const one: RandomFill = (bytes) => {
      bytes.fill(0);
      bytes[bytes.length - 1] = 63; // 63 = 1 * 62 + 1
      return bytes;
    };
    expect(generateApiKey(one)).toBe('BB' + 'A'.repeat(30));
  });
});
