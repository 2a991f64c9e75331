import { randomInt } from 'node:crypto';

/**
 * Symbols of a short reference: read out over the phone or copied from a notebook at
 * night, so none may be mistaken for another. Left out: 0 O Q D (round shapes),
 * 1 I L (strokes), 2/Z, 5/S, 6/G, 8/B (digit and letter look alike), U/V.
 * A subset of the alphabet the ReferralCreated contract accepts.
 */
export const SHORT_REF_ALPHABET = 'ACEFHJKMNPRTWXY23456789';

/** 8 symbols shown as two groups of four, e.g. "K7WF-3XPA" (23^8 ≈ 7.8e10 values). */
export const SHORT_REF_PATTERN = /^[ACEFHJKMNPRTWXY2-9]{4}-[ACEFHJKMNPRTWXY2-9]{4}$/;

export function newShortRef(random: (max: number) => number = randomInt): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += SHORT_REF_ALPHABET[random(SHORT_REF_ALPHABET.length)];
  return `${s.slice(0, 4)}-${s.slice(4)}`;
}

/** Letters that can only be misreadings of a digit of the alphabet. */
const LOOKALIKES: Readonly<Record<string, string>> = { S: '5', Z: '2', B: '8', G: '6' };

/**
 * What someone typed or read back ("k7wf 3xpa", "K7WF3XPA") as a stored reference, or
 * undefined when it cannot be one. S, Z, B and G are read as 5, 2, 8 and 6 (the letters
 * are never issued); other symbols outside the alphabet make it invalid.
 */
export function normaliseShortRef(input: string): string | undefined {
  const compact = input.toUpperCase().replace(/[\s-]/g, '');
  if (compact.length !== 8) return undefined;
  const mapped = [...compact].map((c) => LOOKALIKES[c] ?? c).join('');
  const formatted = `${mapped.slice(0, 4)}-${mapped.slice(4)}`;
  return SHORT_REF_PATTERN.test(formatted) ? formatted : undefined;
}
