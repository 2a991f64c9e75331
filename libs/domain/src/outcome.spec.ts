import { defaultRuleSet } from './config';
import { crimeOutcomeOfCourtResult, InconsistentOutcomeError, outcomeFor, UnknownCourtResultError } from './outcome';
import { schemeById } from './schemes';
import type { RuleSet, Scheme } from './types';

const s = (id: string) => schemeById(id) as Scheme;

describe('outcomeFor', () => {
  it.each([
    ['thames-valley-adult-diversion-druglink', 'completed', 'diversion-completed', 22],
    ['thames-valley-adult-diversion-druglink', 'excused-completed', 'diversion-completed', 22],
    ['thames-valley-adult-diversion-druglink', 'summons-requested', 'summons-requested', null],
    ['thames-valley-adult-diversion-druglink', 'withdrawn', 'withdrawn', null],
    ['windsor-maidenhead-deferred-prosecution-pilot-adult', 'completed', 'diversion-completed', 22],
    ['windsor-maidenhead-deferred-prosecution-pilot-adult', 'summons-requested', 'summons-requested', null],
    ['thames-valley-youth-diversion', 'completed', 'diversion-completed', 8],
    ['thames-valley-youth-diversion', 'summons-requested', 'summons-requested', null],
    ['west-berkshire-voluntary-pilot', 'completed', 'diversion-completed', 8],
    ['west-berkshire-voluntary-pilot', 'no-further-diversion', 'no-further-diversion', null],
    ['windsor-maidenhead-pilot-youth', 'no-further-diversion', 'no-further-diversion', null],
    ['windsor-maidenhead-pilot-youth', 'withdrawn', 'withdrawn', null],
  ] as const)('%s ending %s → %s, code %s', (id, ending, outcome, code) => {
    const result = outcomeFor(s(id), ending);
    expect(result.outcome).toBe(outcome);
    expect(result.crimeOutcomeCode).toBe(code);
    expect(result.description).toContain(s(id).name);
    expect(result.crimeOutcome).toBe(code !== null ? 'recorded' : ending === 'summons-requested' ? 'pending' : 'none');
    if (code !== null) expect(result.description).toContain(`Outcome ${code}:`);
  });

  it('a summons request is not a charge: no Outcome 1, pending the courts unit', () => {
    const adult = outcomeFor(s('thames-valley-adult-diversion-druglink'), 'summons-requested');
    expect(adult.description).not.toMatch(/Outcome 1|Charged/);
    expect(adult.description).toMatch(/pending the courts unit/);
    expect(adult.description).toMatch(/deferred prosecution has failed/);
    const youth = outcomeFor(s('thames-valley-youth-diversion'), 'summons-requested');
    expect(youth.description).not.toMatch(/deferred prosecution/);
    expect(youth.description).toMatch(/community resolution offered as an alternative to prosecution/);
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

describe('crimeOutcomeOfCourtResult', () => {
  it.each([
    ['summons-issued', 1, 'recorded'],
    ['adjourned', 1, 'recorded'],
    ['guilty', 1, 'recorded'],
    ['not-guilty', 1, 'recorded'],
    ['dismissed', 1, 'recorded'],
    ['summons-not-issued', null, 'none'],
    ['discontinued', null, 'none'],
    ['other', null, 'pending'],
  ] as const)('%s → code %s (%s)', (result, code, status) => {
    const outcome = crimeOutcomeOfCourtResult(result);
    expect(outcome.crimeOutcomeCode).toBe(code);
    expect(outcome.crimeOutcome).toBe(status);
    if (code === 1) expect(outcome.description).toContain('Outcome 1: Charged/Summonsed');
  });

  it('follows the configuration, and refuses a result it does not know', () => {
    const rules: RuleSet = { ...defaultRuleSet, courtResults: [{ result: 'summons-issued', description: 'x', crimeOutcome: 'pending', source: 'configuration default' }] };
    expect(crimeOutcomeOfCourtResult('summons-issued', rules).crimeOutcome).toBe('pending');
    expect(() => crimeOutcomeOfCourtResult('guilty', rules)).toThrow(UnknownCourtResultError);
  });
});
