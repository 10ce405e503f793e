import { describe, expect, it } from 'vitest';
import { ApiKeyService } from '../../src/shared/apiKeyService';
import { ApiKeyError } from '../../src/shared/failures';
import { CONTACT_MISSING_500, GENERIC_403, GENERIC_500 } from './support/civiDouble';

/** A crmApi4 that records what it was asked and answers with `answer` (a value, or a rejection). */
function api4(answer: { resolve?: unknown; reject?: unknown }) {
  const calls: unknown[][] = [];
  const crmApi4 = (...args: unknown[]) => {
    calls.push(args);
    return ('reject' in answer ? Promise.reject(answer.reject) : Promise.resolve(answer.resolve)) as any;
  };
  return { calls, service: new ApiKeyService(crmApi4) };
}

async function reasonOf(promise: PromiseLike<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ApiKeyError);
    return (error as ApiKeyError).reason;
  }
  throw new Error('expected a rejection');
}

const KEY = 'abcdefghijklmnopqrstuvwxyz012345';

describe('ApiKeyService', () => {
  it('declares its dependencies for strict DI', () => {
    expect(ApiKeyService.$inject).toEqual(['crmApi4']);
  });

  describe('fetchKey', () => {
    it('asks for the one field of the one contact', async () => {
      const { calls, service } = api4({ resolve: [{ id: 3, api_key: KEY }] });
      await expect(service.fetchKey(3)).resolves.toBe(KEY);
      expect(calls).toEqual([['Contact', 'get', { select: ['api_key'], where: [['id', '=', 3]] }]]);
    });

    it('answers null for a contact without a key', async () => {
      await expect(api4({ resolve: [{ id: 3, api_key: null }] }).service.fetchKey(3)).resolves.toBeNull();
    });

    it('tells "may not read keys" from "no key" when the field is absent (wire 14, 24)', async () => {
      expect(await reasonOf(api4({ resolve: [{ id: 3 }] }).service.fetchKey(3))).toBe('cannotRead');
    });

    it('takes an empty answer for "logged out or not allowed", never for "no key" (wire 19)', async () => {
      expect(await reasonOf(api4({ resolve: [] }).service.fetchKey(3))).toBe('noAccess');
    });

    it.each([
      [undefined, 'unreachable'],
      [GENERIC_403, 'permission'],
      [GENERIC_500, 'server'],
      [CONTACT_MISSING_500, 'contactMissing'],
      ['<html>Fatal error</html>', 'unreachable'],
    ])('explains a rejection with %j as %s', async (rejection, reason) => {
      expect(await reasonOf(api4({ reject: rejection }).service.fetchKey(3))).toBe(reason);
    });

    it.each([[null], [{}], ['values'], [[null]], [[{ id: 3, api_key: 42 }]]])('refuses an answer shaped %j', async (answer) => {
      expect(await reasonOf(api4({ resolve: answer }).service.fetchKey(3))).toBe('malformed');
    });
  });

  describe('saveKey', () => {
    it('sends exactly one update of api_key for the one contact', async () => {
      const { calls, service } = api4({ resolve: [{ id: 3, api_key: KEY }] });
      await service.saveKey(3, KEY);
      expect(calls).toEqual([['Contact', 'update', { where: [['id', '=', 3]], values: { api_key: KEY } }]]);
    });

    it('revokes with null and accepts the null echo', async () => {
      const { calls, service } = api4({ resolve: [{ id: 3, api_key: null }] });
      await service.saveKey(3, null);
      expect(calls[0][2]).toEqual({ where: [['id', '=', 3]], values: { api_key: null } });
    });

    it('fails when CiviCRM echoes a truncated value (wire 07)', async () => {
      const sent = 'abcdefghijklmnopqrstuvwxyz0123456';
      const { service } = api4({ resolve: [{ id: 3, api_key: 'abcdefghijklmnopqrstuvwxyz012...' }] });
      const error = await service.saveKey(3, sent).then(
        () => null,
        (e: ApiKeyError) => e,
      );
      expect(error?.reason).toBe('altered');
      // What the contact holds now, for the tab to show: its last 4 characters, never more.
      expect(error?.storedHint).toBe('2...');
    });

    it('fails when the echo lacks the key, since nothing confirms the change', async () => {
      expect(await reasonOf(api4({ resolve: [{ id: 3 }] }).service.saveKey(3, KEY))).toBe('altered');
    });

    it('fails when a revoke echoes a key', async () => {
      expect(await reasonOf(api4({ resolve: [{ id: 3, api_key: KEY }] }).service.saveKey(3, null))).toBe('altered');
    });

    it.each([
      [undefined, 'unreachable'],
      [GENERIC_403, 'permission'],
      [{ error_id: 'Jwpt-6eSy-vqb6', error_code: 0, error_message: 'Permission denied to modify api key', status: 403 }, 'permission'],
      [GENERIC_500, 'server'],
      [CONTACT_MISSING_500, 'contactMissing'],
    ])('explains a rejection with %j as %s', async (rejection, reason) => {
      expect(await reasonOf(api4({ reject: rejection }).service.saveKey(3, KEY))).toBe(reason);
    });

    it('never puts the key into the error it rejects with', async () => {
      const { service } = api4({ resolve: [{ id: 3, api_key: 'something else entirely' }] });
      const error = await service.saveKey(3, KEY).then(
        () => null,
        (e: Error) => e,
      );
      expect(String(error?.message)).not.toContain(KEY);
      expect(JSON.stringify(error)).not.toContain(KEY);
    });
  });

  describe('isKeyInUse', () => {
    it('looks for the key on any other contact, one record at most', async () => {
      const { calls, service } = api4({ resolve: [{ id: 7 }] });
      await expect(service.isKeyInUse(KEY, 3)).resolves.toBe(true);
      expect(calls).toEqual([
        ['Contact', 'get', { select: ['id'], where: [['api_key', '=', KEY], ['id', '!=', 3], ['is_deleted', 'IN', [false, true]]], limit: 1 }],
      ]);
    });

    it('answers false when nobody else has it', async () => {
      await expect(api4({ resolve: [] }).service.isKeyInUse(KEY, 3)).resolves.toBe(false);
    });

    it('fails on a rejection rather than guessing', async () => {
      expect(await reasonOf(api4({ reject: undefined }).service.isKeyInUse(KEY, 3))).toBe('unreachable');
    });
  });
});
