import { defaultRuleSet } from './config';
import type { AbsenceClass } from './compliance';
import type { RuleSet, Scheme } from './types';

export type ReferralStatus =
  | 'referred'
  | 'assessment-scheduled'
  | 'assessed'
  | 'assessment-missed'
  | 'on-course'
  | 'completed'
  | 'non-compliance-review'
  | 'excused'
  | 'summons-requested'
  | 'no-further-diversion'
  | 'withdrawn';

export const REFERRAL_STATUSES: readonly ReferralStatus[] = [
  'referred',
  'assessment-scheduled',
  'assessed',
  'assessment-missed',
  'on-course',
  'completed',
  'non-compliance-review',
  'excused',
  'summons-requested',
  'no-further-diversion',
  'withdrawn',
];

export const TERMINAL_STATUSES: readonly ReferralStatus[] = ['completed', 'summons-requested', 'no-further-diversion', 'withdrawn'];

/** What can happen to a referral. */
export type LifecycleEvent =
  | { type: 'assessment-scheduled' }
  | { type: 'assessment-completed' }
  | { type: 'assessment-missed'; absenceClass?: AbsenceClass }
  | { type: 'course-booked' }
  | { type: 'rebooked' }
  | { type: 'course-completed' }
  | { type: 'review-opened' }
  | { type: 're-engaged' }
  | { type: 'review-closed-without-engagement' }
  | { type: 'withdrawn'; reasonCode: string };

export type LifecycleEventType = LifecycleEvent['type'];

export const LIFECYCLE_EVENT_TYPES: readonly LifecycleEventType[] = [
  'assessment-scheduled',
  'assessment-completed',
  'assessment-missed',
  'course-booked',
  'rebooked',
  'course-completed',
  'review-opened',
  're-engaged',
  'review-closed-without-engagement',
  'withdrawn',
];

/** How a closed non-compliance review ends. */
export type ReviewResolution = 'excused' | 'summons-requested' | 'no-further-diversion' | 'withdrawn';

export class IllegalTransitionError extends Error {
  override readonly name = 'IllegalTransitionError';
  constructor(
    readonly from: ReferralStatus,
    readonly eventType: string,
    detail?: string,
  ) {
    super(`Illegal referral transition: '${eventType}' cannot happen in status '${from}'${detail ? ` (${detail})` : ''}`);
  }
}

export function isTerminal(status: ReferralStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

/**
 * The scheme's consequence when a non-compliance review closes. Re-engagement excuses the
 * failure. Otherwise the scheme's failure consequence applies, and it is never harsher than
 * the prosecution the person would otherwise have faced: at most a summons request, and
 * only from a scheme whose failure consequence is prosecution.
 */
export function consequenceOfClosedReview(scheme: Scheme, reengaged: boolean): ReviewResolution {
  if (reengaged) return 'excused';
  switch (scheme.failureConsequence) {
    case 'summons-request':
      return 'summons-requested';
    case 'no-further-diversion':
      return 'no-further-diversion';
    case 'none':
      return 'withdrawn';
  }
}

/** Static part of the state machine: status → event type → next status. */
const TRANSITIONS: Readonly<Partial<Record<ReferralStatus, Partial<Record<LifecycleEventType, ReferralStatus>>>>> = {
  referred: { 'assessment-scheduled': 'assessment-scheduled' },
  'assessment-scheduled': {
    'assessment-completed': 'assessed',
    'assessment-missed': 'assessment-missed',
    rebooked: 'assessment-scheduled',
  },
  'assessment-missed': {
    'assessment-scheduled': 'assessment-scheduled',
    rebooked: 'assessment-scheduled',
    'review-opened': 'non-compliance-review',
  },
  assessed: { 'course-booked': 'on-course' },
  'on-course': { rebooked: 'on-course', 'course-completed': 'completed', 'review-opened': 'non-compliance-review' },
  // The person may ask for the assessment or session again while the window is open: booking it
  // keeps the review open; attending it is the re-engagement (seed 003: "as long as a person
  // engages with the scheme it is open for them to continue").
  'non-compliance-review': { 'assessment-scheduled': 'non-compliance-review', rebooked: 'non-compliance-review', 're-engaged': 'excused' },
  excused: { 'assessment-scheduled': 'assessment-scheduled', 'course-booked': 'on-course', rebooked: 'on-course' },
};

/**
 * The referral lifecycle as a state machine:
 * referred → assessment-scheduled → assessed | assessment-missed → on-course → completed,
 * or → non-compliance-review → excused (and back to the course) | the scheme's consequence;
 * withdrawn (with a known reason code) from any live status. Terminal statuses accept no event.
 */
export function transition(from: ReferralStatus, event: LifecycleEvent, scheme: Scheme, rules: RuleSet = defaultRuleSet): ReferralStatus {
  if (!REFERRAL_STATUSES.includes(from)) throw new IllegalTransitionError(from, event.type, 'unknown status');
  if (isTerminal(from)) throw new IllegalTransitionError(from, event.type, `'${from}' is terminal`);
  if (event.type === 'withdrawn') {
    if (!rules.withdrawalReasons.some((r) => r.code === event.reasonCode)) {
      throw new IllegalTransitionError(from, event.type, `unknown withdrawal reason '${event.reasonCode}'`);
    }
    return 'withdrawn';
  }
  if (event.type === 'review-closed-without-engagement' && from === 'non-compliance-review') {
    return consequenceOfClosedReview(scheme, false);
  }
  const next = TRANSITIONS[from]?.[event.type];
  if (!next) throw new IllegalTransitionError(from, event.type);
  return next;
}

/** The event types a status accepts, whatever the scheme (for documentation and UIs). */
export function allowedEvents(from: ReferralStatus): LifecycleEventType[] {
  if (isTerminal(from)) return [];
  const types = new Set<LifecycleEventType>(Object.keys(TRANSITIONS[from] ?? {}) as LifecycleEventType[]);
  if (from === 'non-compliance-review') types.add('review-closed-without-engagement');
  types.add('withdrawn');
  return LIFECYCLE_EVENT_TYPES.filter((t) => types.has(t));
}
