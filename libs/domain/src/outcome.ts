import { defaultRuleSet } from './config';
import type { CourtResultRule, CrimeOutcomeCode, RuleSet, Scheme } from './types';
import { schemeWording } from './wording';

export type ReferralEnding = 'completed' | 'excused-completed' | 'summons-requested' | 'no-further-diversion' | 'withdrawn';

/**
 * 'recorded': crimeOutcomeCode holds the code. 'pending': a summons was requested and the
 * courts unit has not recorded a result that settles it. 'none': the platform records no code.
 */
export type CrimeOutcomeStatus = 'recorded' | 'pending' | 'none';

export interface ReferralOutcome {
  outcome: 'diversion-completed' | 'summons-requested' | 'no-further-diversion' | 'withdrawn';
  crimeOutcomeCode: CrimeOutcomeCode | null;
  crimeOutcome: CrimeOutcomeStatus;
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
 * - completed (also after an excused absence): the scheme's configured completion code.
 * - summons-requested: no code yet (pending): a request is not a summons; the courts unit's
 *   recorded result decides (crimeOutcomeOfCourtResult). Only a scheme whose failure
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
        crimeOutcome: 'recorded',
        description: `${scheme.name} completed${ending === 'excused-completed' ? ' after an excused absence' : ''}. ${describe(scheme.completionOutcomeCode, rules)}.`,
      };
    case 'summons-requested':
      if (scheme.failureConsequence !== 'summons-request') {
        throw new InconsistentOutcomeError(`${scheme.id} cannot end in a summons request (failure consequence: ${scheme.failureConsequence})`);
      }
      return {
        outcome: 'summons-requested',
        crimeOutcomeCode: null,
        crimeOutcome: 'pending',
        description: `${scheme.name}: ${schemeWording(scheme).failure} Crime outcome pending the courts unit's result.`,
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
        crimeOutcome: 'none',
        description: `Did not engage with ${scheme.name}; no longer eligible for a further diversion if found in possession again.`,
      };
    case 'withdrawn':
      return { outcome: 'withdrawn', crimeOutcomeCode: null, crimeOutcome: 'none', description: `Referral under ${scheme.name} withdrawn; no diversion outcome.` };
  }
}

export class UnknownCourtResultError extends Error {
  override readonly name = 'UnknownCourtResultError';
}

export interface CourtResultOutcome {
  crimeOutcomeCode: CrimeOutcomeCode | null;
  crimeOutcome: CrimeOutcomeStatus;
  rule: CourtResultRule;
  description: string;
}

/**
 * The crime outcome of a failed diversion once the courts unit records a result on its
 * summons request: the configured row's code, 'pending' or 'none' (see COURT_RESULTS).
 */
export function crimeOutcomeOfCourtResult(result: string, rules: RuleSet = defaultRuleSet): CourtResultOutcome {
  const rule = rules.courtResults.find((r) => r.result === result);
  if (!rule) throw new UnknownCourtResultError(`court result ${result} is not configured`);
  if (typeof rule.crimeOutcome === 'number') {
    return { crimeOutcomeCode: rule.crimeOutcome, crimeOutcome: 'recorded', rule, description: `${rule.description} ${describe(rule.crimeOutcome, rules)}.` };
  }
  const rest = rule.crimeOutcome === 'pending' ? 'Crime outcome still pending.' : 'No crime outcome code from the platform: no prosecution follows.';
  return { crimeOutcomeCode: null, crimeOutcome: rule.crimeOutcome, rule, description: `${rule.description} ${rest}` };
}
