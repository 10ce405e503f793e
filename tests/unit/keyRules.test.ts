import { describe, expect, it } from 'vitest';
import { typedKeyProblem } from '../../src/tab/keyRules';

describe('typedKeyProblem', () => {
  it.each([
    ['abcdefghijklmnop', 16],
    ['ABCDEFGHIJKLMNOPQRSTUVWXYZ012345', 32],
    ['key-with_dash-and_underscore', 28],
  ])('accepts %s (%i characters)', (value) => {
    expect(typedKeyProblem(value)).toBeNull();
  });

  it.each([
    ['', 'empty'],
    [' abcdefghijklmnop', 'spaces'],
    ['abcdefghijklmnop ', 'spaces'],
    ['abcdefgh ijklmnop', 'spaces'],
    ['abcdefghijklmnop\t', 'spaces'],
    ['abcdefghijklmnop.', 'characters'],
    ['abcdefghijklmnop~', 'characters'],
    ['abcdéfghijklmnopq', 'characters'],
    ['abcdefghijklmnopЖ', 'characters'],
    ['abcdefghijklmno', 'tooShort'],
    ['ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456', 'tooLong'],
    ['A'.repeat(40), 'tooLong'],
  ])('refuses %j: %s', (value, problem) => {
    expect(typedKeyProblem(value)).toBe(problem);
  });
});
