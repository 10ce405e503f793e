// usage: const key = generateApiKey();  // 32 characters of A-Z a-z 0-9
import { customAlphabet } from 'nanoid';

export const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const KEY_LENGTH = 32;

// nanoid's browser build (the one esbuild bundles: `exports.browser`) draws 53 bytes a key from
// crypto.getRandomValues and keeps only bytes below 248 (4 x 62), so no character is likelier than
// another; 32 characters of 62 are 190.5 bits, the full width of CiviCRM's api_key column.
export const generateApiKey: () => string = customAlphabet(KEY_ALPHABET, KEY_LENGTH);
