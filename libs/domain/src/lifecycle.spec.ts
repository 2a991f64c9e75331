import { schemeById } from './schemes';
import {
  allowedEvents,
  consequenceOfClosedReview,
  IllegalTransitionError,
  isTerminal,
  LIFECYCLE_EVENT_TYPES,
  REFERRAL_STATUSES,
  transition,
  type LifecycleEvent,
  type LifecycleEventType,
  type ReferralStatus,
} from './lifecycle';
import type { Scheme } from './types';

const druglink = schemeById('thames-valley-adult-diversion-druglink') as Scheme;
const youth = schemeById('thames-valley-youth-diversion') as Scheme;
const voluntary = schemeById('west-berkshire-voluntary-pilot') as Scheme;
const noConsequence: Scheme = { ...voluntary, id: 'test-none', failureConsequence: 'none' };

function event(type: LifecycleEventType): LifecycleEvent {
  if (type === 'withdrawn') return { type, reasonCode: 'referred-in-error' };
  if (type === 'assessment-missed') return { type, absenceClass: 'unacceptable' };
  return { type } as LifecycleEvent;
}

/** Every legal move, written out by hand (under a scheme whose failure leads to a summons request). */
const LEGAL: Record<string, ReferralStatus> = {
  'referred/assessment-scheduled': 'assessment-scheduled',
  'assessment-scheduled/assessment-completed': 'assessed',
  'assessment-scheduled/assessment-missed': 'assessment-missed',
  'assessment-scheduled/rebooked': 'assessment-scheduled',
  'assessment-missed/assessment-scheduled': 'assessment-scheduled',
  'assessment-missed/rebooked': 'assessment-scheduled',
  'assessment-missed/review-opened': 'non-compliance-review',
  'assessed/course-booked': 'on-course',
  'on-course/rebooked': 'on-course',
  'on-course/course-completed': 'completed',
  'on-course/review-opened': 'non-compliance-review',
  'non-compliance-review/assessment-scheduled': 'non-compliance-review',
  'non-compliance-review/rebooked': 'non-compliance-review',
  'non-compliance-review/re-engaged': 'excused',
  'non-compliance-review/review-closed-without-engagement': 'summons-requested',
  'excused/assessment-scheduled': 'assessment-scheduled',
  'excused/course-booked': 'on-course',
  'excused/rebooked': 'on-course',
};
const LIVE: ReferralStatus[] = ['referred', 'assessment-scheduled', 'assessed', 'assessment-missed', 'on-course', 'non-compliance-review', 'excused'];
for (const s of LIVE) LEGAL[`${s}/withdrawn`] = 'withdrawn';

const pairs = REFERRAL_STATUSES.flatMap((s) => LIFECYCLE_EVENT_TYPES.map((e) => [s, e] as const));

describe('transition: the whole status × event table', () => {
  it.each(pairs)('%s + %s', (from, type) => {
    const expected = LEGAL[`${from}/${type}`];
    if (expected) {
      expect(transition(from, event(type), druglink)).toBe(expected);
    } else {
      let error: unknown;
      try {
        transition(from, event(type), druglink);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(IllegalTransitionError);
      expect(error).toMatchObject({ from, eventType: type, name: 'IllegalTransitionError' });
      expect((error as Error).message).toContain(`'${type}' cannot happen in status '${from}'`);
    }
  });

  it('lists the accepted events of each status consistently with transition', () => {
    for (const s of REFERRAL_STATUSES) {
      expect(allowedEvents(s)).toEqual(LIFECYCLE_EVENT_TYPES.filter((t) => LEGAL[`${s}/${t}`] !== undefined));
    }
  });
});

describe('closing a review applies the scheme consequence', () => {
  it.each([
    [druglink, 'summons-requested'],
    [youth, 'summons-requested'],
    [voluntary, 'no-further-diversion'],
    [schemeById('windsor-maidenhead-pilot-youth') as Scheme, 'no-further-diversion'],
    [schemeById('windsor-maidenhead-deferred-prosecution-pilot-adult') as Scheme, 'summons-requested'],
    [noConsequence, 'withdrawn'],
  ])('%s → %s', (scheme, expected) => {
    expect(transition('non-compliance-review', { type: 'review-closed-without-engagement' }, scheme)).toBe(expected);
    expect(consequenceOfClosedReview(scheme, false)).toBe(expected);
    expect(consequenceOfClosedReview(scheme, true)).toBe('excused');
  });
});

describe('withdrawal and errors', () => {
  it('needs a configured reason code', () => {
    expect(() => transition('on-course', { type: 'withdrawn', reasonCode: 'bored' }, druglink)).toThrow(/unknown withdrawal reason 'bored'/);
    expect(transition('on-course', { type: 'withdrawn', reasonCode: 'moved-out-of-area' }, druglink)).toBe('withdrawn');
  });

  it('says a terminal status is terminal, and refuses unknown statuses', () => {
    expect(() => transition('completed', { type: 'withdrawn', reasonCode: 'duplicate' }, druglink)).toThrow(/'completed' is terminal/);
    expect(() => transition('lost' as ReferralStatus, { type: 'course-completed' }, druglink)).toThrow(/unknown status/);
  });

  it('classifies terminal statuses', () => {
    expect(REFERRAL_STATUSES.filter(isTerminal)).toEqual(['completed', 'summons-requested', 'no-further-diversion', 'withdrawn']);
  });
});
