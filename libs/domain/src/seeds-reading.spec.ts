import { defaultRuleSet, QUOTE } from './config';
import { decideEligibility, priorNonEngagement, type DiversionHistoryEntry, type EncounterFacts } from './eligibility';
import { schemeById } from './schemes';
import type { RuleSet } from './types';

/** An adult in Reading in 2022 with a BWV interview, under the Druglink programme. */
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

const history = (schemeId: string, outcome: DiversionHistoryEntry['outcome'], decidedAt: string): DiversionHistoryEntry => ({
  referralId: `r-${schemeId}-${decidedAt}`,
  schemeId,
  outcome,
  decidedAt: new Date(decidedAt),
});

describe('any drug: the officer judges a small, personal quantity where no threshold can (seed 004)', () => {
  it('diverts a substance with no threshold row when the officer judged the quantity small and personal, and says so', () => {
    const d = decideEligibility(encounter({ offence: { substance: 'khat', drugClass: 'C', quantity: { value: 50, unit: 'g' }, officerJudgedSmallPersonalQuantity: true } }), []);
    expect(d).toMatchObject({ eligible: true, route: 'referred', quantityBasis: 'officer-judgement' });
    expect(d.threshold).toBeUndefined();
  });

  it('lets the officer judge a unit no threshold compares (millilitres)', () => {
    const d = decideEligibility(encounter({ offence: { quantity: { value: 5, unit: 'ml' }, officerJudgedSmallPersonalQuantity: true } }), []);
    expect(d).toMatchObject({ eligible: true, quantityBasis: 'officer-judgement' });
  });

  it('declines, with its own reason, when the officer judged the quantity not small', () => {
    const d = decideEligibility(encounter({ offence: { substance: 'khat', officerJudgedSmallPersonalQuantity: false } }), []);
    expect(d.reasons).toEqual(['quantity-not-judged-small']);
  });

  it('still declines a substance without a row when no judgement was recorded', () => {
    expect(decideEligibility(encounter({ offence: { substance: 'khat' } }), []).reasons).toEqual(['substance-unknown']);
  });

  it('lets a threshold, where there is one, decide over the officer', () => {
    const d = decideEligibility(encounter({ offence: { quantity: { value: 28, unit: 'g' }, officerJudgedSmallPersonalQuantity: true } }), []);
    expect(d.reasons).toEqual(['quantity-above-threshold']);
    expect(decideEligibility(encounter(), []).quantityBasis).toBe('threshold');
  });
});

describe('any offence linked to substance misuse: offence types are configuration', () => {
  it.each(['shoplifting', 'theft', 'anti-social-behaviour', 'sex-work', 'knife-possession', 'other-linked-offence'])(
    'admits %s under the Druglink programme, and not under the youth scheme',
    (type) => {
      expect(decideEligibility(encounter({ offence: { type, substance: undefined, quantity: undefined } }), []).eligible).toBe(true);
      const youth = decideEligibility(encounter({ dateOfBirth: '2006-01-01', offence: { type, substance: undefined, quantity: undefined } }), []);
      expect(youth.reasons).toEqual(['offence-not-admissible']);
    },
  );

  it('takes a new offence type from a configuration row alone', () => {
    const fraud = { type: 'fraud', substance: undefined, quantity: undefined };
    expect(decideEligibility(encounter({ offence: fraud }), []).reasons).toEqual(['offence-type-unknown']);
    const rules: RuleSet = {
      ...defaultRuleSet,
      offenceTypes: [...defaultRuleSet.offenceTypes, { code: 'fraud', name: 'Fraud', pathway: 'linked-to-substance-misuse', validFrom: '2000-01-01', source: 'configuration default' }],
    };
    expect(decideEligibility(encounter({ offence: fraud }), [], rules)).toMatchObject({ eligible: true, route: 'referred' });
    expect(decideEligibility(encounter({ offence: fraud, indicators: { linkedToSubstanceMisuse: false } }), [], rules).reasons).toEqual([
      'offence-not-linked-to-substance-misuse',
    ]);
  });
});

describe("the person's choice (seed 003: \"The power of choice should not be underestimated.\")", () => {
  it('makes a refusal of an eligible diversion its own route, distinct from a decline', () => {
    const d = decideEligibility(encounter({ offer: { accepted: false } }), []);
    expect(d).toMatchObject({ eligible: true, route: 'refused', reasons: [] });
    expect(decideEligibility(encounter({ offer: { accepted: true } }), []).route).toBe('referred');
    expect(decideEligibility(encounter(), []).route).toBe('referred');
  });

  it('declines an ineligible encounter whatever the person chose', () => {
    expect(decideEligibility(encounter({ offer: { accepted: false }, indicators: { suspectedSupply: true } }), []).route).toBe('declined');
  });

  it('quotes the seed for the choice', () => {
    expect(QUOTE.powerOfChoice).toContain('The power of choice should not be underestimated.');
  });
});

describe('seeds that disagree: what a non-engagement bars', () => {
  const born = '2004-03-01'; // 16 in 2020, an adult from March 2022
  const youthPilotFailure = history('windsor-maidenhead-pilot-youth', 'no-further-diversion', '2020-06-01T12:00:00Z');

  it('does not carry a young person\'s non-engagement into the adult scheme "open to everybody regardless of previous convictions"', () => {
    const d = decideEligibility(encounter({ dateOfBirth: born, occurredAt: new Date('2022-06-01T12:00:00Z') }), [youthPilotFailure]);
    expect(d).toMatchObject({ eligible: true, scheme: { id: 'thames-valley-adult-diversion-druglink' } });
  });

  it('keeps it as a bar while the person is still a young person (seed 001 and seed 002: only those who engaged get another diversion)', () => {
    const d = decideEligibility(
      encounter({ dateOfBirth: born, occurredAt: new Date('2021-06-01T12:00:00Z'), area: 'windsor-maidenhead', bwvReference: undefined }),
      [youthPilotFailure],
    );
    expect(d.schemeConsidered?.id).toBe('thames-valley-youth-diversion');
    expect(d.reasons).toEqual(['prior-non-engagement']);
  });

  it('still bars an adult whose latest adult diversion ended in non-engagement', () => {
    const adultFailure = history('west-berkshire-voluntary-pilot', 'no-further-diversion', '2021-01-01T12:00:00Z');
    expect(decideEligibility(encounter(), [adultFailure]).reasons).toEqual(['prior-non-engagement']);
  });

  it('reads the whole history when no date of birth is given (the age band of old entries is then unknown)', () => {
    const druglink = schemeById('thames-valley-adult-diversion-druglink')!;
    expect(priorNonEngagement(druglink, [youthPilotFailure], new Date('2022-06-01T12:00:00Z'))).toBe(true);
    expect(priorNonEngagement(druglink, [youthPilotFailure], new Date('2022-06-01T12:00:00Z'), born)).toBe(false);
  });

  it('keeps the voluntary pilots\' own consequence, not the general "will face arrest and prosecution"', () => {
    expect(schemeById('west-berkshire-voluntary-pilot')?.failureConsequence).toBe('no-further-diversion');
    expect(schemeById('windsor-maidenhead-pilot-youth')?.failureConsequence).toBe('no-further-diversion');
    expect(schemeById('windsor-maidenhead-pilot-youth')?.provenance.failureConsequence).toBe(QUOTE.pilotUnder18s);
  });
});
