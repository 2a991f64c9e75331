import { ReferralCreatedData, validateAs } from '@ddp/contracts';
import { newShortRef, normaliseShortRef, SHORT_REF_ALPHABET, SHORT_REF_PATTERN } from './short-ref';

describe('short references', () => {
  it('are 8 symbols in two groups of four, from the alphabet only', () => {
    for (let i = 0; i < 2000; i++) {
      const ref = newShortRef();
      expect(ref).toMatch(SHORT_REF_PATTERN);
      expect(ref.replace('-', '')).toHaveLength(8);
    }
  });

  it('never use a symbol that can be mistaken for another', () => {
    for (const confusable of '0OQD1IL2Z5S6G8BUV') {
      const isDigitTwin = '2568'.includes(confusable);
      // Each confusable pair keeps at most one member: digits 2 5 6 8 stay, their letter twins go.
      expect(SHORT_REF_ALPHABET.includes(confusable)).toBe(isDigitTwin);
    }
    expect(new Set(SHORT_REF_ALPHABET).size).toBe(SHORT_REF_ALPHABET.length);
  });

  it('use every symbol of the alphabet (uniform draw)', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) newShortRef().replace('-', '').split('').forEach((c) => seen.add(c));
    expect([...seen].sort().join('')).toBe([...SHORT_REF_ALPHABET].sort().join(''));
  });

  it('draw from the random source given', () => {
    expect(newShortRef(() => 0)).toBe('AAAA-AAAA');
    expect(newShortRef((max) => max - 1)).toBe('9999-9999');
  });

  it('are accepted by the ReferralCreated contract', () => {
    const ref = newShortRef();
    const data = {
      referralId: 'r', shortRef: ref, encounterId: 'e', personRef: 'p', schemeId: 's', area: 'reading', ageBand: 'adult',
      offenceType: 'possession', encounterAt: '2026-01-01T00:00:00Z', assessmentDeadline: '2026-01-02T23:59:59.999Z', officerCollarNumber: 'TV1',
    };
    expect(() => validateAs(ReferralCreatedData, data, 'ReferralCreated')).not.toThrow();
  });

  it.each([
    ['k7wf-3xpa', 'K7WF-3XPA'],
    ['K7WF3XPA', 'K7WF-3XPA'],
    [' k7wf 3xpa ', 'K7WF-3XPA'],
    ['K7WF-3XPS', 'K7WF-3XP5'],
    ['Z8BG-ACEF', '2886-ACEF'],
  ])('read back "%s" is %s', (input, expected) => {
    expect(normaliseShortRef(input)).toBe(expected);
  });

  it.each(['K7WF-3XP', 'K7WF-3XPA9', 'K7WF-3XP0', 'K7WF-3XPI', 'K7WF_3XPA', ''])('"%s" cannot be a reference', (input) => {
    expect(normaliseShortRef(input)).toBeUndefined();
  });
});
