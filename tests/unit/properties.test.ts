// Property tests: the rules hold for every input fast-check can think of, not just the examples.
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiKeyService } from '../../src/shared/apiKeyService';
import { ApiKeyError } from '../../src/shared/failures';
import { generateApiKey, KEY_ALPHABET } from '../../src/tab/keyGenerator';
import { testApiKey } from '../../src/shared/keyTest';
import { typedKeyProblem } from '../../src/tab/keyRules';

/**
 * The key made while crypto.getRandomValues hands out these bytes, then zeros (so a run of
 * rejected bytes always ends). nanoid's browser build, as shipped (see vitest.config.ts), looks
 * crypto up on every key.
 */
function keyFrom(bytes: Uint8Array): string {
  let offset = 0;
  const source = vi.spyOn(globalThis.crypto, 'getRandomValues').mockImplementation(<T extends ArrayBufferView | null>(array: T): T => {
    const target = array as unknown as Uint8Array;
    for (let i = 0; i < target.length; i++) target[i] = offset < bytes.length ? bytes[offset++] : 0;
    return array;
  });
  try {
    return generateApiKey();
  } finally {
    source.mockRestore();
  }
}

const RULE = /^[A-Za-z0-9_-]{16,32}$/;

describe('properties', () => {
  it('every generated key is 32 characters of A-Z a-z 0-9, whatever the random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 200 }), (bytes) => {
        expect(keyFrom(bytes)).toMatch(/^[A-Za-z0-9]{32}$/);
      }),
      { numRuns: 2000 },
    );
  });

  it('the key depends on the random bytes alone: the same bytes make the same key, of characters those bytes name', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 200 }), (bytes) => {
        const key = keyFrom(bytes);
        expect(keyFrom(bytes)).toBe(key);
        // Byte b names character b mod 62 when b < 248 (4 x 62); the zeros after the bytes name A.
        const named = new Set([...bytes].filter((byte) => byte < 248).map((byte) => KEY_ALPHABET[byte % 62]).concat('A'));
        for (const character of key) expect(named).toContain(character);
      }),
      { numRuns: 1000 },
    );
  });

  it('the typed-key check accepts exactly 16 to 32 characters of A-Z a-z 0-9 - _', () => {
    const allowed = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_');
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 40 }),
          fc.string({ unit: allowed, minLength: 10, maxLength: 40 }),
          fc.string({ unit: fc.oneof(allowed, fc.constantFrom(' ', '\t', '.', '~', 'é', 'Ж', '\u00a0', '+', '/', '=')), minLength: 14, maxLength: 34 }),
        ),
        (value) => {
          expect(typedKeyProblem(value) === null).toBe(RULE.test(value));
        },
      ),
      { numRuns: 5000 },
    );
  });

  describe('the service never throws, and fails only with its own error, on any answer', () => {
    const answers = fc.oneof(fc.jsonValue(), fc.anything(), fc.array(fc.dictionary(fc.string(), fc.jsonValue())));

    it.each([
      ['fetchKey', (service: ApiKeyService) => service.fetchKey(3)],
      ['saveKey', (service: ApiKeyService) => service.saveKey(3, 'abcdefghijklmnopqrstuvwxyz012345')],
      ['isKeyInUse', (service: ApiKeyService) => service.isKeyInUse('abcdefghijklmnopqrstuvwxyz012345', 3)],
    ])('%s', async (_name, call) => {
      await fc.assert(
        fc.asyncProperty(answers, fc.boolean(), async (answer, rejects) => {
          const service = new ApiKeyService((() => (rejects ? Promise.reject(answer) : Promise.resolve(answer))) as never);
          const outcome = await Promise.resolve(call(service)).then(
            () => 'resolved',
            (error: unknown) => error,
          );
          if (outcome !== 'resolved') expect(outcome).toBeInstanceOf(ApiKeyError);
        }),
        { numRuns: 500 },
      );
    });

    it('saveKey resolves only when the echo holds exactly the value sent', async () => {
      await fc.assert(
        fc.asyncProperty(fc.option(fc.string(), { nil: null }), fc.anything(), async (sent, echoed) => {
          const service = new ApiKeyService((() => Promise.resolve([{ id: 3, api_key: echoed }])) as never);
          const saved = await service.saveKey(3, sent).then(
            () => true,
            () => false,
          );
          const normalised = echoed === '' ? null : echoed;
          const sentNormalised = sent === '' ? null : sent;
          expect(saved).toBe(normalised === sentNormalised);
        }),
        { numRuns: 1000 },
      );
    });
  });

  describe('Test key', () => {
    afterEach(() => vi.unstubAllGlobals());

    it('never reports success unless authx answered cred api_key for this very contact', async () => {
      (globalThis as any).CRM = { url: (path: string) => `/${path}` };
      const bodies = fc.oneof(
        fc.string(),
        fc.jsonValue().map((value) => JSON.stringify(value)),
        fc
          .record({ contact_id: fc.oneof(fc.integer(), fc.string(), fc.constant(null)), cred: fc.constantFrom('api_key', 'already-logged-in', 'jwt', '') })
          .map((value) => JSON.stringify(value)),
      );
      await fc.assert(
        // 204, 205 and 304 cannot carry a body, so a Response with one cannot be made.
        fc.asyncProperty(fc.integer({ min: 200, max: 599 }).filter((status) => ![204, 205, 304].includes(status)), bodies, async (status, body) => {
          vi.stubGlobal('fetch', () => Promise.resolve(new Response(body, { status })));
          const result = await testApiKey('abcdefghijklmnopqrstuvwxyz012345', 3);
          let parsed: any = null;
          try {
            parsed = JSON.parse(body);
          } catch {
            // not JSON: cannot be a success
          }
          const reallyWorks = status === 200 && parsed?.cred === 'api_key' && Number(parsed?.contact_id) === 3;
          expect(result.outcome === 'works').toBe(reallyWorks);
        }),
        { numRuns: 1000 },
      );
    });
  });
});
