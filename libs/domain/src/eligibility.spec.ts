import { defaultRuleSet, QUOTE } from './config';
import { decideEligibility, DECLINE_REASONS, normaliseQuantity, priorNonEngagement, type DiversionHistoryEntry, type EncounterFacts } from './eligibility';
import { schemeById } from './schemes';
import type { RuleSet, Scheme } from './types';

/** An adult found with 2 g of cannabis in Reading in 2022, with a BWV interview: eligible. */
function encounter(overrides: Partial<Omit<EncounterFacts, 'offence' | 'indicators'>> & {
  offence?: Partial<EncounterFacts['offence']>;
  indicators?: Partial<EncounterFacts['indicators']>;
} = {}): EncounterFacts {
  const { offence, indicators, ...rest } = overrides;
  return {
    occurredAt: new Date('2022-06-01T21:40:00Z'),
    area: 'reading',
    dateOfBirth: '1990-04-02',
    bwvReference: 'BWV-123',
    ...rest,
    offence: { type: 'possession', substance: 'cannabis', drugClass: 'B', quantity: { value: 2, unit: 'g' }, ...offence },
    indicators: { suspectedSupply: false, ...indicators },
  };
}

const YOUTH_DOB = '2006-01-01';
const entry = (outcome: DiversionHistoryEntry['outcome'], decidedAt: string, referralId = `r-${decidedAt}`, schemeId = 'thames-valley-adult-diversion-druglink'): DiversionHistoryEntry => ({
  referralId,
  schemeId,
  outcome,
  decidedAt: new Date(decidedAt),
});

describe('decideEligibility: eligible encounters', () => {
  it('diverts an adult under the Druglink programme with scheme, deadline and provenance', () => {
    const d = decideEligibility(encounter(), []);
    expect(d).toMatchObject({
      eligible: true,
      reasons: [],
      ageBand: 'adult',
      localDate: '2022-06-01',
      scheme: { id: 'thames-valley-adult-diversion-druglink' },
      schemeConsidered: { id: 'thames-valley-adult-diversion-druglink' },
      threshold: { substance: 'cannabis', unit: 'g', maxQuantity: 10 },
    });
    expect(d.assessmentDeadline?.toISOString()).toBe('2022-06-02T22:59:59.999Z');
    expect(d.provenance).toEqual([...new Set(d.provenance)].sort());
    expect(d.provenance).toEqual(expect.arrayContaining([QUOTE.druglinkWho, QUOTE.druglinkAnnounced, QUOTE.phoneAssessmentNextDay, 'configuration default']));
  });

  it('diverts a young person under the force-wide youth scheme without a BWV interview', () => {
    const d = decideEligibility(encounter({ dateOfBirth: YOUTH_DOB, bwvReference: undefined }), []);
    expect(d.eligible).toBe(true);
    expect(d.ageBand).toBe('youth');
    expect(d.scheme?.id).toBe('thames-valley-youth-diversion');
    expect(d.provenance).toContain(QUOTE.youthForceWidePublished);
  });

  it.each([
    ['west-berkshire', '2019-06-01T12:00:00Z', '1990-01-01', undefined, 'west-berkshire-voluntary-pilot'],
    ['west-berkshire', '2019-06-01T12:00:00Z', YOUTH_DOB, undefined, 'west-berkshire-voluntary-pilot'],
    ['windsor-maidenhead', '2020-02-01T12:00:00Z', '1990-01-01', 'BWV-1', 'windsor-maidenhead-deferred-prosecution-pilot-adult'],
    ['windsor-maidenhead', '2020-02-01T12:00:00Z', YOUTH_DOB, undefined, 'windsor-maidenhead-pilot-youth'],
    ['oxford', '2020-10-13T12:00:00Z', YOUTH_DOB, undefined, 'thames-valley-youth-diversion'],
    ['oxford', '2021-12-06T12:00:00Z', '1990-01-01', 'BWV-1', 'thames-valley-adult-diversion-druglink'],
  ])('%s at %s, born %s → %s', (area, at, dob, bwv, scheme) => {
    const d = decideEligibility(encounter({ area, occurredAt: new Date(at), dateOfBirth: dob, bwvReference: bwv }), []);
    expect(d.reasons).toEqual([]);
    expect(d.scheme?.id).toBe(scheme);
  });

  it.each(['shoplifting', 'theft', 'anti-social-behaviour'] as const)('admits %s under the 2021 adult programme', (type) => {
    const d = decideEligibility(encounter({ offence: { type, substance: undefined, quantity: undefined } }), []);
    expect(d.eligible).toBe(true);
    expect(d.threshold).toBeUndefined();
  });

  it.each([
    [{ value: 1000, unit: 'mg' }, 'cocaine', true],
    [{ value: 1001, unit: 'mg' }, 'cocaine', false],
    [{ value: 0.001, unit: 'kg' }, 'cocaine', true],
    [{ value: 2, unit: 'wraps' }, 'heroin', true],
    [{ value: 3, unit: 'wrap' }, 'heroin', false],
    [{ value: 4, unit: 'tablets' }, 'mdma', true],
    [{ value: 5, unit: ' Tablets ' }, 'mdma', false],
    [{ value: 10, unit: 'g' }, ' Cannabis ', true],
    [{ value: 10.01, unit: 'g' }, 'cannabis', false],
    [{ value: 0, unit: 'g' }, 'spice', true],
  ])('quantity %o of %s is small: %s', (quantity, substance, small) => {
    const d = decideEligibility(encounter({ offence: { substance, quantity } }), []);
    expect(d.eligible).toBe(small);
    expect(d.reasons).toEqual(small ? [] : ['quantity-above-threshold']);
  });
});

describe('decideEligibility: every exclusion reason', () => {
  it.each<[string, EncounterFacts, string[]]>([
    ['malformed date of birth', encounter({ dateOfBirth: '02/04/1990' }), ['date-of-birth-invalid']],
    ['date of birth after the encounter', encounter({ dateOfBirth: '2022-06-02' }), ['date-of-birth-in-future']],
    ['area not configured', encounter({ area: 'gotham' }), ['unknown-area']],
    ['Reading in 2019 (no pilot there)', encounter({ occurredAt: new Date('2019-06-01T12:00:00Z') }), ['no-scheme-in-force']],
    ['West Berkshire before November 2018', encounter({ area: 'west-berkshire', occurredAt: new Date('2018-10-31T12:00:00Z') }), ['no-scheme-in-force']],
    ['shoplifting under the youth scheme', encounter({ dateOfBirth: YOUTH_DOB, offence: { type: 'shoplifting', substance: undefined, quantity: undefined } }), ['offence-not-admissible']],
    ['theft under the West Berkshire pilot', encounter({ area: 'west-berkshire', occurredAt: new Date('2019-06-01T12:00:00Z'), offence: { type: 'theft' } }), ['offence-not-admissible']],
    ['shoplifting the officer found unrelated to substance misuse', encounter({ offence: { type: 'shoplifting' }, indicators: { linkedToSubstanceMisuse: false } }), ['offence-not-linked-to-substance-misuse']],
    ['substance not configured', encounter({ offence: { substance: 'khat' } }), ['substance-unknown']],
    ['substance not given', encounter({ offence: { substance: undefined } }), ['substance-unknown']],
    ['quantity not given', encounter({ offence: { quantity: undefined } }), ['quantity-missing']],
    ['negative quantity', encounter({ offence: { quantity: { value: -1, unit: 'g' } } }), ['quantity-invalid']],
    ['quantity not a number', encounter({ offence: { quantity: { value: Number.NaN, unit: 'g' } } }), ['quantity-invalid']],
    ['quantity in millilitres', encounter({ offence: { quantity: { value: 1, unit: 'ml' } } }), ['quantity-unit-not-comparable']],
    ['cannabis counted in tablets', encounter({ offence: { quantity: { value: 1, unit: 'tablets' } } }), ['quantity-unit-not-comparable']],
    ['larger quantity', encounter({ offence: { quantity: { value: 28, unit: 'g' } } }), ['quantity-above-threshold']],
    ['suspected supply', encounter({ indicators: { suspectedSupply: true } }), ['suspected-supply']],
    ['adult deferred prosecution without BWV interview', encounter({ bwvReference: undefined }), ['bwv-interview-missing']],
    ['adult deferred prosecution with a blank BWV reference', encounter({ bwvReference: '   ' }), ['bwv-interview-missing']],
    ['Windsor & Maidenhead adult pilot without BWV', encounter({ area: 'windsor-maidenhead', occurredAt: new Date('2020-03-01T12:00:00Z'), bwvReference: undefined }), ['bwv-interview-missing']],
  ])('%s', (_label, facts, reasons) => {
    const d = decideEligibility(facts, []);
    expect(d.eligible).toBe(false);
    expect(d.reasons).toEqual(reasons);
    expect(d.scheme).toBeUndefined();
    expect(d.assessmentDeadline).toBeUndefined();
  });

  it('reports every reason that applies, in the fixed order', () => {
    const d = decideEligibility(
      encounter({
        area: 'gotham',
        dateOfBirth: '2030-01-01',
        bwvReference: undefined,
        offence: { substance: 'khat', quantity: undefined },
        indicators: { suspectedSupply: true },
      }),
      [],
    );
    expect(d.reasons).toEqual(['date-of-birth-in-future', 'unknown-area', 'substance-unknown', 'quantity-missing', 'suspected-supply']);
    expect(d.ageBand).toBeUndefined();
    expect(d.schemeConsidered).toBeUndefined();

    const many = decideEligibility(
      encounter({ bwvReference: undefined, offence: { quantity: { value: 50, unit: 'g' } }, indicators: { suspectedSupply: true } }),
      [entry('summons-requested', '2022-01-01T00:00:00Z')],
    );
    expect(many.reasons).toEqual(['quantity-above-threshold', 'suspected-supply', 'prior-non-engagement', 'bwv-interview-missing']);
    expect(many.schemeConsidered?.id).toBe('thames-valley-adult-diversion-druglink');
    expect(many.reasons).toEqual(DECLINE_REASONS.filter((r) => many.reasons.includes(r)));
  });

  it('does not check BWV for the voluntary pilot or young people', () => {
    const wb = decideEligibility(encounter({ area: 'west-berkshire', occurredAt: new Date('2019-06-01T12:00:00Z'), bwvReference: undefined }), []);
    expect(wb.reasons).toEqual([]);
  });

  it('refuses an invalid encounter time or history date outright', () => {
    expect(() => decideEligibility(encounter({ occurredAt: new Date(NaN) }), [])).toThrow(/occurredAt/);
    expect(() => decideEligibility(encounter(), [entry('completed', 'nonsense', 'r-1')])).toThrow(/r-1/);
  });

  it('reads thresholds from the rule set', () => {
    const strict: RuleSet = { ...defaultRuleSet, thresholds: defaultRuleSet.thresholds.map((t) => ({ ...t, maxQuantity: t.maxQuantity / 10 })) };
    expect(decideEligibility(encounter(), [], strict).reasons).toEqual(['quantity-above-threshold']);
    const expired: RuleSet = { ...defaultRuleSet, thresholds: defaultRuleSet.thresholds.map((t) => ({ ...t, validTo: '2021-12-31' })) };
    expect(decideEligibility(encounter(), [], expired).reasons).toEqual(['substance-unknown']);
  });
});

describe('decideEligibility: history', () => {
  const wbAdult = (at: string) => encounter({ area: 'west-berkshire', occurredAt: new Date(at), bwvReference: undefined });

  it('voluntary pilot: after non-attendance, a new encounter is not diverted again', () => {
    const history = [entry('no-further-diversion', '2019-03-01T12:00:00Z', 'r-1', 'west-berkshire-voluntary-pilot')];
    const d = decideEligibility(wbAdult('2019-06-01T12:00:00Z'), history);
    expect(d.reasons).toEqual(['prior-non-engagement']);
    expect(d.schemeConsidered?.id).toBe('west-berkshire-voluntary-pilot');
  });

  it('voluntary pilot: a non-engagement bars for good, even after later completions', () => {
    const history = [
      entry('summons-requested', '2019-01-01T12:00:00Z', 'r-1', 'west-berkshire-voluntary-pilot'),
      entry('completed', '2019-03-01T12:00:00Z', 'r-2', 'west-berkshire-voluntary-pilot'),
    ];
    expect(decideEligibility(wbAdult('2019-06-01T12:00:00Z'), history).reasons).toEqual(['prior-non-engagement']);
  });

  it('voluntary pilot: completed, excused, withdrawn and in-progress diversions do not bar', () => {
    const history = (['completed', 'excused', 'withdrawn', 'in-progress'] as const).map((o, i) => entry(o, `2019-0${i + 1}-01T12:00:00Z`, `r-${i}`));
    expect(decideEligibility(wbAdult('2019-06-01T12:00:00Z'), history).eligible).toBe(true);
  });

  it('Windsor & Maidenhead under-18s follow the voluntary rule', () => {
    const facts = encounter({ area: 'windsor-maidenhead', occurredAt: new Date('2020-06-01T12:00:00Z'), dateOfBirth: YOUTH_DOB });
    const history = [entry('no-further-diversion', '2020-03-01T12:00:00Z', 'r-1', 'windsor-maidenhead-pilot-youth')];
    expect(decideEligibility(facts, history).reasons).toEqual(['prior-non-engagement']);
  });

  it('youth scheme: a young person who engaged is diverted again', () => {
    const facts = encounter({ dateOfBirth: YOUTH_DOB, occurredAt: new Date('2021-06-01T12:00:00Z') });
    const history = [
      entry('completed', '2020-11-20T12:00:00Z', 'r-1', 'thames-valley-youth-diversion'),
      entry('completed', '2021-02-20T12:00:00Z', 'r-2', 'thames-valley-youth-diversion'),
      entry('in-progress', '2021-05-20T12:00:00Z', 'r-3', 'thames-valley-youth-diversion'),
    ];
    const d = decideEligibility(facts, history);
    expect(d.eligible).toBe(true);
    expect(d.scheme?.id).toBe('thames-valley-youth-diversion');
  });

  it('youth scheme: a young person whose last diversion ended in non-engagement is not', () => {
    const facts = encounter({ dateOfBirth: YOUTH_DOB, occurredAt: new Date('2021-06-01T12:00:00Z') });
    const history = [
      entry('completed', '2020-11-20T12:00:00Z', 'r-1', 'thames-valley-youth-diversion'),
      entry('summons-requested', '2021-02-20T12:00:00Z', 'r-2', 'thames-valley-youth-diversion'),
    ];
    expect(decideEligibility(facts, history).reasons).toEqual(['prior-non-engagement']);
  });

  it.each([0, 1, 2, 5, 25])('adult deferred prosecution: %i earlier completed diversions never bar while engaging', (n) => {
    const history = Array.from({ length: n }, (_, i) => entry(i % 2 ? 'excused' : 'completed', `2022-0${1 + (i % 5)}-0${1 + (i % 9)}T0${i % 10}:00:00Z`, `r-${i}`));
    const d = decideEligibility(encounter(), history);
    expect(d.eligible).toBe(true);
  });

  it('adult deferred prosecution: an earlier failure followed by re-engagement does not bar', () => {
    const history = [entry('summons-requested', '2022-01-01T12:00:00Z', 'r-1'), entry('completed', '2022-03-01T12:00:00Z', 'r-2')];
    expect(decideEligibility(encounter(), history).eligible).toBe(true);
  });

  it('ignores history decided after the encounter', () => {
    const history = [entry('no-further-diversion', '2019-07-01T12:00:00Z', 'r-1', 'west-berkshire-voluntary-pilot')];
    expect(decideEligibility(wbAdult('2019-06-01T12:00:00Z'), history).eligible).toBe(true);
    expect(decideEligibility(encounter({ occurredAt: new Date('2022-06-01T12:00:00Z') }), [entry('summons-requested', '2022-06-02T00:00:00Z')]).eligible).toBe(true);
  });

  it('breaks ties on the decision time deterministically (referral id, then engagement before failure)', () => {
    const druglink = schemeById('thames-valley-adult-diversion-druglink') as Scheme;
    const at = new Date('2022-06-01T12:00:00Z');
    const a = entry('completed', '2022-05-01T12:00:00Z', 'r-b');
    const b = entry('summons-requested', '2022-05-01T12:00:00Z', 'r-a');
    expect(priorNonEngagement(druglink, [a, b], at)).toBe(false);
    expect(priorNonEngagement(druglink, [b, a], at)).toBe(false);
    const c = entry('summons-requested', '2022-05-01T12:00:00Z', 'r-b');
    const d = entry('completed', '2022-05-01T12:00:00Z', 'r-b');
    expect(priorNonEngagement(druglink, [c, d], at)).toBe(true);
    expect(priorNonEngagement(druglink, [d, c], at)).toBe(true);
  });
});

describe('normaliseQuantity', () => {
  it('converts mass to grams and counts to their unit, refusing others', () => {
    expect(normaliseQuantity({ value: 250, unit: 'mg' })).toEqual({ value: 0.25, unit: 'g' });
    expect(normaliseQuantity({ value: 2, unit: 'kg' })).toEqual({ value: 2000, unit: 'g' });
    expect(normaliseQuantity({ value: 1, unit: 'tablet' })).toEqual({ value: 1, unit: 'tablets' });
    expect(normaliseQuantity({ value: 1, unit: 'ml' })).toBeUndefined();
  });
});
