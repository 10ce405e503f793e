// The token call and the reading of its end, apart from the page.
import { describe, expect, it } from 'vitest';
import { expiryOf } from '../../../src/token/tokenService';
import { fakeJwt } from './support';

describe('expiryOf', () => {
  it('reads the exp claim of a JWT as CiviCRM makes it (wire 43)', () => {
    const wire43 =
      'eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiIsImtpZCI6IktNaFhEQTRxQjFJZEVkOXgtZFZkUWtQRXV0SSJ9.eyJleHAiOjE3OTYxMTE0NjgsInN1YiI6ImNpZDozIiwic2NvcGUiOiJhdXRoeCJ9.xGSGbzIP3fZkPn33VDon2FJltb3ilAJhNaa8BX_etXA';
    expect(expiryOf(wire43)).toBe(1796111468);
    expect(expiryOf(fakeJwt(3, 1_800_000_000))).toBe(1_800_000_000);
  });

  it.each([['not-a-jwt'], ['a.b.c'], [`x.${btoa('{"exp":"soon"}')}.y`], [`x.${btoa('{"sub":"cid:3"}')}.y`]])('%s: null', (jwt) => {
    expect(expiryOf(jwt)).toBeNull();
  });
});
