import { crimeOutcomeOfCourtResult, type CrimeOutcomeStatus } from '@ddp/domain';
import type { ReferralCaseEntity } from '../referrals/referral-case.entity';
import type { SummonsRequestEntity } from './summons-request.entity';

/**
 * A referral's crime outcome as the read side shows it. A failed diversion that ended in a
 * summons request has no code until the courts unit records a result that settles it (see
 * libs/domain COURT_RESULTS): a request is not a charge.
 */
export function crimeOutcomeOf(rc: ReferralCaseEntity, summons: SummonsRequestEntity | null): { crimeOutcomeCode: number | null; crimeOutcome: CrimeOutcomeStatus; courtResult: string | null } {
  const standing = summons && summons.status !== 'withdrawn' && rc.ending === 'summons-requested';
  if (standing) {
    const status = summons.courtResult ? crimeOutcomeOfCourtResult(summons.courtResult).crimeOutcome : 'pending';
    return { crimeOutcomeCode: rc.crimeOutcomeCode, crimeOutcome: status, courtResult: summons.courtResult };
  }
  return { crimeOutcomeCode: rc.crimeOutcomeCode, crimeOutcome: rc.crimeOutcomeCode === null ? 'none' : 'recorded', courtResult: null };
}
