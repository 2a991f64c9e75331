import { ReferralCreatedData, ReferralDeclinedData, validateAs, type Encounter } from '@ddp/contracts';
import { decideEligibility } from '@ddp/domain';
import { anEncounter } from '@ddp/testing';
import { equalityOf, referralCreatedData, referralDeclinedData, toEncounterFacts } from './encounter-mapping';

describe('encounter mapping', () => {
  it('gives the rules the facts, null and absent alike', () => {
    const encounter = anEncounter({ occurredAt: '2026-11-20T20:15:00Z' });
    const withNulls = { ...encounter, bwvReference: null, offence: { type: 'possession', substance: null, quantity: null } } as unknown as Encounter;
    expect(toEncounterFacts(withNulls)).toEqual({
      occurredAt: new Date('2026-11-20T20:15:00Z'), area: encounter.area, dateOfBirth: encounter.person.dateOfBirth,
      offence: { type: 'possession' }, indicators: { suspectedSupply: false },
    });
  });

  it('carries equality categories only when given', () => {
    expect(equalityOf(anEncounter())).toBeUndefined();
    expect(equalityOf(anEncounter({ person: { sex: 'female' } }))).toEqual({ sex: 'female' });
  });

  it('builds a ReferralCreated its contract accepts, with no name, contact or date of birth', () => {
    const encounter = anEncounter({ area: 'reading', person: { sex: 'male', ethnicity: 'white-irish' } });
    const decision = decideEligibility(toEncounterFacts(encounter), []);
    const data = referralCreatedData('r-1', 'K7WF-3XPA', encounter, decision, undefined);
    expect(() => validateAs(ReferralCreatedData, data, 'ReferralCreated')).not.toThrow();
    expect(data).toMatchObject({ schemeId: 'thames-valley-adult-diversion-druglink', ageBand: 'adult', equality: { sex: 'male', ethnicity: 'white-irish' } });
    const json = JSON.stringify(data);
    for (const personal of [encounter.person.givenName, encounter.person.familyName, encounter.person.dateOfBirth, encounter.person.contact!.phone!, encounter.person.contact!.email!]) {
      expect(json).not.toContain(personal);
    }
  });

  it('builds a ReferralDeclined its contract accepts, also without an age band (date of birth in the future)', () => {
    const encounter = anEncounter({ person: { dateOfBirth: '2030-01-01' } });
    const decision = decideEligibility(toEncounterFacts(encounter), []);
    const data = referralDeclinedData('r-1', encounter, decision);
    expect(data.ageBand).toBeUndefined();
    expect(data.reasons).toEqual(['date-of-birth-in-future']);
    expect(() => validateAs(ReferralDeclinedData, data, 'ReferralDeclined')).not.toThrow();
  });
});
