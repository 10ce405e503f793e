// usage: const key = generateApiKey();  // 32 characters of A-Z a-z 0-9

export const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const KEY_LENGTH = 32;

/**
 * Rejection sampling on crypto.getRandomValues: a byte of 248 or more (past 4 x 62) is thrown
 * away, so byte % 62 names every character equally often (no modulo bias). 53 bytes a draw (as
 * nanoid's customAlphabet, which this replaces at a third of its size) almost always make the
 * whole key at once. 32 characters of 62 are 190.5 bits, the full width of CiviCRM's api_key column.
 */
export function generateApiKey(): string {
  let key = '';
  while (key.length < KEY_LENGTH) {
    for (const byte of crypto.getRandomValues(new Uint8Array(53))) {
      if (byte < 248 && key.length < KEY_LENGTH) key += KEY_ALPHABET[byte % KEY_ALPHABET.length];
    }
  }
  return key;
}
