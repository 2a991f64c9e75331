import { DECLINE_REASONS, decideEligibility, PROVIDERS, routeProvider, type EncounterFacts } from '@ddp/domain';
import { DECLINE_EXPLANATIONS } from './decline-reasons';
import { buildOfficerAnswer, spokenRef } from './officer-answer';
import { byDeadline, ukDay, ukShortDateTime } from './uk-time';

const adult: EncounterFacts = {
  occurredAt: new Date('2026-11-20T20:15:00Z'),
  area: 'reading',
  dateOfBirth: '1994-06-15',
  offence: { type: 'possession', substance: 'cannabis', drugClass: 'B', quantity: { value: 2, unit: 'g' } },
  indicators: { suspectedSupply: false },
  bwvReference: 'BWV-1',
};

describe('the officer answer', () => {
  it('when referred: scheme, provider, deadline in ISO and UK words, and plain next steps', () => {
    const decision = decideEligibility(adult, []);
    const provider = routeProvider({ area: 'reading', ageBand: 'adult', schemeId: decision.scheme!.id, at: adult.occurredAt });
    const answer = buildOfficerAnswer({ referralId: 'r-1', shortRef: 'K7WF-3XPA', decision, provider, decidedAt: new Date('2026-11-20T20:20:00Z') });
    expect(answer).toEqual({
      referralId: 'r-1',
      shortRef: 'K7WF-3XPA',
      decision: 'referred',
      reasons: [],
      scheme: { id: 'thames-valley-adult-diversion-druglink', name: 'Thames Valley adult drug diversion with Druglink (force-wide)' },
      provider: { id: 'druglink', name: 'Druglink adult drug diversion education programme' },
      assessmentDeadline: { at: '2026-11-21T23:59:59.999Z', ukLocal: 'Saturday 21 November 2026, 23:59 (UK time)' },
      nextSteps: expect.stringContaining('Give them reference K7WF-3XPA (K 7 W F, 3 X P A).'),
    });
    expect(answer.nextSteps).toContain('will phone them for an assessment by the end of Saturday 21 November 2026.');
    expect(answer.nextSteps).toContain('Prosecution is deferred');
    expect(answer.nextSteps).toContain('may be summonsed');
  });

  it('says the deadline has passed when the encounter is reported late', () => {
    const decision = decideEligibility(adult, []);
    const provider = PROVIDERS.find((p) => p.id === 'druglink');
    const answer = buildOfficerAnswer({ referralId: 'r', shortRef: 'AAAA-AAAA', decision, provider, decidedAt: new Date('2026-11-23T09:00:00Z') });
    expect(answer.nextSteps).toContain('as soon as possible');
    expect(answer.nextSteps).toContain('has passed');
  });

  it('for a young person: community resolution wording', () => {
    const decision = decideEligibility({ ...adult, dateOfBirth: '2010-01-01', bwvReference: undefined }, []);
    const provider = routeProvider({ area: 'reading', ageBand: 'youth', schemeId: decision.scheme!.id, at: adult.occurredAt });
    const answer = buildOfficerAnswer({ referralId: 'r', shortRef: 'AAAA-AAAA', decision, provider, decidedAt: adult.occurredAt });
    expect(answer.decision).toBe('referred');
    expect(answer.nextSteps).toContain('community resolution');
    expect(answer.nextSteps).toContain("Reading young people's substance misuse service will phone them");
  });

  it('when no provider is configured: still referred, and says someone will arrange one', () => {
    const decision = decideEligibility(adult, []);
    const answer = buildOfficerAnswer({ referralId: 'r', shortRef: 'AAAA-AAAA', decision, provider: undefined, decidedAt: adult.occurredAt });
    expect(answer.provider).toBeNull();
    expect(answer.nextSteps).toContain('the referral team will arrange one');
  });

  it('when declined: every reason with its words, the scheme considered, no provider or deadline', () => {
    const decision = decideEligibility({ ...adult, offence: { ...adult.offence, quantity: { value: 50, unit: 'g' } }, indicators: { suspectedSupply: true } }, []);
    const answer = buildOfficerAnswer({ referralId: 'r', shortRef: 'AAAA-AAAA', decision, decidedAt: adult.occurredAt });
    expect(answer).toMatchObject({
      decision: 'declined',
      reasons: [
        { code: 'quantity-above-threshold', explanation: 'More than a small amount for personal use.' },
        { code: 'suspected-supply', explanation: 'Supply is suspected.' },
      ],
      scheme: { id: 'thames-valley-adult-diversion-druglink' },
      provider: null,
      assessmentDeadline: null,
    });
    expect(answer.nextSteps).toBe('Not eligible for diversion. More than a small amount for personal use. (1 more reason listed.) Deal with the offence the usual way. Note reference AAAA-AAAA.');
  });

  it('has plain words for every decline reason of the domain, short enough to read out', () => {
    for (const reason of DECLINE_REASONS) {
      expect(DECLINE_EXPLANATIONS[reason]).toMatch(/^[A-Z].*\.$/);
      expect(DECLINE_EXPLANATIONS[reason].length).toBeLessThanOrEqual(100);
    }
  });

  it('spells a reference in groups', () => {
    expect(spokenRef('K7WF-3XPA')).toBe('K 7 W F, 3 X P A');
  });
});

describe('UK time wording', () => {
  it('places instants in Europe/London, GMT and BST', () => {
    expect(ukDay(new Date('2026-06-30T23:30:00Z'))).toBe('Wednesday 1 July 2026');
    expect(ukShortDateTime(new Date('2026-07-01T17:30:00Z'))).toBe('Wed 1 Jul 2026, 18:30');
    expect(ukShortDateTime(new Date('2026-12-01T17:30:00Z'))).toBe('Tue 1 Dec 2026, 17:30');
  });

  it('says end-of-day deadlines as such', () => {
    expect(byDeadline(new Date('2026-07-01T22:59:59.999Z'))).toBe('by the end of Wednesday 1 July 2026');
    expect(byDeadline(new Date('2026-07-01T17:00:00Z'))).toBe('by 18:00 on Wednesday 1 July 2026');
  });
});
