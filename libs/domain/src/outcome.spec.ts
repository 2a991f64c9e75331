import { defaultRuleSet } from './config';
import { InconsistentOutcomeError, outcomeFor } from './outcome';
import { schemeById } from './schemes';
import type { RuleSet, Scheme } from './types';

const s = (id: string) => schemeById(id) as Scheme;

describe('outcomeFor', () => {
  it.each([
    ['thames-valley-adult-diversion-druglink', 'completed', 'diversion-completed', 22],
    ['thames-valley-adult-diversion-druglink', 'excused-completed', 'diversion-completed', 22],
    ['thames-valley-adult-diversion-druglink', 'summons-requested', 'summons-requested', 1],
    ['thames-valley-adult-diversion-druglink', 'withdrawn', 'withdrawn', null],
    ['windsor-maidenhead-deferred-prosecution-pilot-adult', 'completed', 'diversion-completed', 22],
    ['windsor-maidenhead-deferred-prosecution-pilot-adult', 'summons-requested', 'summons-requested', 1],
    ['thames-valley-youth-diversion', 'completed', 'diversion-completed', 8],
    ['thames-valley-youth-diversion', 'summons-requested', 'summons-requested', 1],
    ['west-berkshire-voluntary-pilot', 'completed', 'diversion-completed', 8],
    ['west-berkshire-voluntary-pilot', 'no-further-diversion', 'no-further-diversion', null],
    ['windsor-maidenhead-pilot-youth', 'no-further-diversion', 'no-further-diversion', null],
    ['windsor-maidenhead-pilot-youth', 'withdrawn', 'withdrawn', null],
  ] as const)('%s ending %s → %s, code %s', (id, ending, outcome, code) => {
    const result = outcomeFor(s(id), ending);
    expect(result.outcome).toBe(outcome);
    expect(result.crimeOutcomeCode).toBe(code);
    expect(result.description).toContain(s(id).name);
    if (code !== null) expect(result.description).toContain(`Outcome ${code}:`);
  });

  it('mentions the excused absence', () => {
    expect(outcomeFor(s('thames-valley-youth-diversion'), 'excused-completed').description).toMatch(/after an excused absence/);
  });

  it.each([
    ['west-berkshire-voluntary-pilot', 'summons-requested'],
    ['windsor-maidenhead-pilot-youth', 'summons-requested'],
    ['thames-valley-adult-diversion-druglink', 'no-further-diversion'],
    ['thames-valley-youth-diversion', 'no-further-diversion'],
  ] as const)('refuses %s ending %s: not that scheme’s consequence', (id, ending) => {
    expect(() => outcomeFor(s(id), ending)).toThrow(InconsistentOutcomeError);
  });

  it('refuses a code missing from the outcome table', () => {
    const rules: RuleSet = { ...defaultRuleSet, crimeOutcomes: [] };
    expect(() => outcomeFor(s('thames-valley-youth-diversion'), 'completed', rules)).toThrow(/not configured/);
  });
});
