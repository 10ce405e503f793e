// usage: const key = generateApiKey();  // 32 characters of A-Z a-z 0-9

export const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const KEY_LENGTH = 32;

/** Fills the array with random bytes; `crypto.getRandomValues` unless a test or benchmark says otherwise. */
export type RandomFill = (bytes: Uint8Array) => Uint8Array;

const BASE = BigInt(KEY_ALPHABET.length);
const KEY_SPACE = BASE ** BigInt(KEY_LENGTH); // 62^32, about 2^190.5: the column's full width

// The whole key is one number below 62^32, written in base 62. It is drawn from 25 bytes (200 bits):
// 2^200 holds 707 whole copies of the key space, and a draw past the last whole copy is thrown
// away, so every key is equally likely (no modulo bias). That happens once in about 9,500 draws,
// so a key costs 25 random bytes where one byte per character would cost 33.
const DRAW_BYTES = 25;
const DRAW_SPACE = 1n << BigInt(DRAW_BYTES * 8);
const ACCEPT_BELOW = DRAW_SPACE - (DRAW_SPACE % KEY_SPACE);

const cryptoFill: RandomFill = (bytes) => crypto.getRandomValues(bytes);

export function generateApiKey(fill: RandomFill = cryptoFill): string {
  const bytes = new Uint8Array(DRAW_BYTES);
  let draw: bigint;
  do {
    fill(bytes);
    draw = 0n;
    for (const byte of bytes) draw = (draw << 8n) | BigInt(byte);
  } while (draw >= ACCEPT_BELOW);

  let number = draw % KEY_SPACE;
  let key = '';
  for (let i = 0; i < KEY_LENGTH; i++) {
    key += KEY_ALPHABET[Number(number % BASE)];
    number /= BASE;
  }
  return key;
}
