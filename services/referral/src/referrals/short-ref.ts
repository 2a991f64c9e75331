import { randomInt } from 'node:crypto';

/** Letters and digits that cannot be confused when read out over the phone (no 0/O, 1/I/L). */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** A reference like "K7QF-3XPA": 8 characters from a 31-symbol alphabet (~8.5e11 values). */
export function newShortRef(): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return `${s.slice(0, 4)}-${s.slice(4)}`;
}
