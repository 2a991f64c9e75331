import { defaultRuleSet } from './config';
import type { CrimeOutcomeCode, RuleSet, Scheme } from './types';

export type ReferralEnding = 'completed' | 'excused-completed' | 'summons-requested' | 'no-further-diversion' | 'withdrawn';

export interface ReferralOutcome {
  outcome: 'diversion-completed' | 'summons-requested' | 'no-further-diversion' | 'withdrawn';
  crimeOutcomeCode: CrimeOutcomeCode | null;
  description: string;
}

export class InconsistentOutcomeError extends Error {
  override readonly name = 'InconsistentOutcomeError';
}

function describe(code: CrimeOutcomeCode, rules: RuleSet): string {
  const row = rules.crimeOutcomes.find((o) => o.code === code);
  if (!row) throw new InconsistentOutcomeError(`crime outcome code ${code} is not configured`);
  return `Outcome ${code}: ${row.title}`;
}

/**
 * The outcome and Home Office crime outcome code of each way a referral can end under a scheme.
 * - completed (also after an excused absence): the scheme's completion code (22 for deferred
 *   prosecution, 8 for community resolution).
 * - summons-requested: Outcome 1 (charged/summonsed); only a scheme whose failure
 *   consequence is a summons request can end this way.
 * - no-further-diversion: no code from the platform (the person is no longer eligible for
 *   diversion); only for schemes whose failure consequence it is.
 * - withdrawn: no code; the offence is dealt with outside the scheme.
 */
export function outcomeFor(scheme: Scheme, ending: ReferralEnding, rules: RuleSet = defaultRuleSet): ReferralOutcome {
  switch (ending) {
    case 'completed':
    case 'excused-completed':
      return {
        outcome: 'diversion-completed',
        crimeOutcomeCode: scheme.completionOutcomeCode,
        description: `${scheme.name} completed${ending === 'excused-completed' ? ' after an excused absence' : ''}. ${describe(scheme.completionOutcomeCode, rules)}.`,
      };
    case 'summons-requested':
      if (scheme.failureConsequence !== 'summons-request') {
        throw new InconsistentOutcomeError(`${scheme.id} cannot end in a summons request (failure consequence: ${scheme.failureConsequence})`);
      }
      return {
        outcome: 'summons-requested',
        crimeOutcomeCode: 1,
        description: `Did not engage with ${scheme.name}; reported for the offence and a summons requested. ${describe(1, rules)}.`,
      };
    case 'no-further-diversion':
      if (scheme.failureConsequence !== 'no-further-diversion') {
        throw new InconsistentOutcomeError(
          `${scheme.id} cannot end in no-further-diversion (failure consequence: ${scheme.failureConsequence})`,
        );
      }
      return {
        outcome: 'no-further-diversion',
        crimeOutcomeCode: null,
        description: `Did not engage with ${scheme.name}; no longer eligible for a further diversion if found in possession again.`,
      };
    case 'withdrawn':
      return { outcome: 'withdrawn', crimeOutcomeCode: null, description: `Referral under ${scheme.name} withdrawn; no diversion outcome.` };
  }
}
