import { assertValidInstant } from './time';
import type { Scheme } from './types';
import type { LifecycleEvent } from './lifecycle';

export type AttendanceMark = 'attended' | 'late' | 'did-not-attend';

/**
 * Why someone was absent: 'acceptable' (illness, crisis), 'logistics' (the provider's or a
 * practical problem, e.g. a service closed outside working hours), 'unacceptable'.
 */
export type AbsenceClass = 'acceptable' | 'logistics' | 'unacceptable';

export interface AttendanceAssessment {
  countsAsFailure: boolean;
  /** 'ask-provider': nothing says why the person was absent; the provider is asked to record it. */
  action: 'none' | 'rebook' | 'open-review' | 'ask-provider';
}

/**
 * What an attendance mark means for compliance.
 * - attended or late: no failure, nothing to do (lateness is not a failure: configuration default).
 * - did not attend, acceptable or logistics: never a failure; the session is rebooked.
 * - did not attend, unacceptable: a failure; it is rebooked while the failures stay within
 *   the scheme's missedSessionTolerance, and opens a non-compliance review (with its
 *   show-cause window) once the tolerance is exceeded.
 * - did not attend with no class recorded: never a failure. The seeds prosecute people who
 *   "do not attend" (seeds 001, 004), a fact the provider records; a missing or unclassified
 *   record is not that fact, so the provider is asked to record why ('ask-provider').
 */
export function assessAttendance(
  mark: AttendanceMark,
  absenceClass: AbsenceClass | undefined,
  priorFailures: number,
  scheme: Scheme,
): AttendanceAssessment {
  if (!Number.isInteger(priorFailures) || priorFailures < 0) {
    throw new RangeError(`priorFailures must be a non-negative integer, got ${priorFailures}`);
  }
  if (mark !== 'did-not-attend') return { countsAsFailure: false, action: 'none' };
  if (absenceClass === 'acceptable' || absenceClass === 'logistics') return { countsAsFailure: false, action: 'rebook' };
  if (absenceClass !== 'unacceptable') return { countsAsFailure: false, action: 'ask-provider' };
  const failures = priorFailures + 1;
  return { countsAsFailure: true, action: failures > scheme.missedSessionTolerance ? 'open-review' : 'rebook' };
}

/** The lifecycle event an attendance assessment leads to, if any. */
export function eventForAttendance(assessment: AttendanceAssessment): LifecycleEvent | undefined {
  switch (assessment.action) {
    case 'rebook':
      return { type: 'rebooked' };
    case 'open-review':
      return { type: 'review-opened' };
    case 'none':
    case 'ask-provider':
      return undefined;
  }
}

/** When the show-cause window of a non-compliance review opened at `openedAt` closes. */
export function showCauseDeadline(openedAt: Date, scheme: Scheme): Date {
  assertValidInstant(openedAt, 'openedAt');
  return new Date(openedAt.getTime() + scheme.showCauseWindowHours * 3_600_000);
}

export { consequenceOfClosedReview } from './lifecycle';
