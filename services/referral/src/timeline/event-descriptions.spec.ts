import { createEnvelope, EVENT_DEFINITIONS, TOPICS, type EventEnvelope } from '@ddp/contracts';
import { describeEvent, foldStatus, TIMELINE_EVENT_TYPES, type ShownStatus } from './event-descriptions';

const t = (iso: string) => new Date(iso);
const entry = (status: ShownStatus | null, iso: string, id = '1') => ({ status, occurredAt: t(iso), id });

describe('timeline descriptions', () => {
  it('cover every event type of the scheduling and outcome topics', () => {
    const consumed = EVENT_DEFINITIONS.filter((d) => d.topic === TOPICS.scheduling || d.topic === TOPICS.outcome).map((d) => d.type);
    expect([...TIMELINE_EVENT_TYPES].sort()).toEqual([...consumed].sort());
  });

  const envelope = (type: string, data: object): EventEnvelope => {
    const definition = EVENT_DEFINITIONS.find((d) => d.type === type)!;
    return createEnvelope(definition, data as never, { producer: 'outcome', key: 'r', correlationId: 'c', occurredAt: new Date() });
  };

  it.each([
    ['AssessmentScheduled', { referralId: 'r', appointmentId: 'a', providerId: 'druglink', startsAt: '2026-11-21T18:30:00Z', endsAt: '2026-11-21T19:00:00Z', modality: 'phone', deadline: '2026-11-21T23:59:59.999Z' },
      'Assessment booked with Druglink adult drug diversion education programme for Sat 21 Nov 2026, 18:30 (phone).', 'assessment-scheduled'],
    ['AssessmentMissed', { referralId: 'r', appointmentId: 'a', deadline: '2026-11-21T23:59:59.999Z', detectedBy: 'deadline' },
      'Assessment missed (nothing recorded by the deadline).', 'assessment-missed'],
    ['CourseMissed', { referralId: 'r', appointmentId: 'a', sessionNumber: 2, absenceClass: 'logistics', recordedAt: '2026-11-21T18:30:00Z' },
      'Session 2 missed (logistics absence).', null],
    ['DiversionCompleted', { referralId: 'r', personRef: 'p', schemeId: 's', area: 'reading', crimeOutcomeCode: 22, completedAt: '2026-12-01T10:00:00Z' },
      'Diversion completed: crime outcome 22 (Diversionary, educational or intervention activity).', 'completed'],
    ['ComplianceReviewClosed', { referralId: 'r', reviewId: 'v', resolution: 'excused', closedAt: '2026-12-01T10:00:00Z' },
      'Compliance review closed: excused, they re-engaged.', 'excused'],
    ['SummonsRequestWithdrawn', { referralId: 'r', summonsRequestId: 's', withdrawnBy: 'sgt-1', reason: 'attendance was recorded late', withdrawnAt: '2026-12-01T10:00:00Z' },
      'Summons request withdrawn by sgt-1: attendance was recorded late', null],
    ['ComplianceReviewClosed', { referralId: 'r', reviewId: 'v', resolution: 'excused', closedAt: '2026-12-01T10:00:00Z', supersedesResolution: 'summons-requested' },
      'Compliance review corrected to excused: they re-engaged inside the window (replaces summons-requested).', 'excused'],
    ['CourtResultRecorded', { referralId: 'r', summonsRequestId: 's', schemeId: 's', area: 'reading', result: 'summons-issued', crimeOutcome: 'recorded', crimeOutcomeCode: 1, recordedBy: 'CU-1', recordedAt: '2026-12-01T10:00:00Z' },
      'Courts unit recorded summons issued: crime outcome 1 (Charged/Summonsed).', null],
    ['CourtResultRecorded', { referralId: 'r', summonsRequestId: 's', schemeId: 's', area: 'reading', result: 'summons-not-issued', crimeOutcome: 'none', recordedBy: 'CU-1', recordedAt: '2026-12-01T10:00:00Z' },
      'Courts unit recorded summons not issued: crime outcome none.', null],
  ])('%s: one line and its status', (type, data, summary, status) => {
    expect(describeEvent(envelope(type, data))).toEqual({ summary, status });
  });

  it('ignores event types that are not part of a timeline', () => {
    expect(describeEvent({ eventType: 'NotificationSent', data: {} } as EventEnvelope)).toBeUndefined();
  });
});

describe('status from the timeline', () => {
  it('follows the order things happened, not the order they arrived', () => {
    expect(foldStatus([
      entry('assessed', '2026-11-21T10:00:00Z', '3'),
      entry('referred', '2026-11-20T20:00:00Z', '1'),
      entry('assessment-scheduled', '2026-11-20T20:01:00Z', '2'),
    ])).toBe('assessed');
  });

  it('ignores entries without a status', () => {
    expect(foldStatus([entry('referred', '2026-11-20T20:00:00Z'), entry(null, '2026-11-21T20:00:00Z')])).toBe('referred');
  });

  it('keeps a referral that ended ended: a late scheduling event does not bring it back', () => {
    expect(foldStatus([
      entry('referred', '2026-11-20T20:00:00Z', '1'),
      entry('withdrawn', '2026-11-20T21:00:00Z', '2'),
      entry('assessment-scheduled', '2026-11-20T22:00:00Z', '3'),
    ])).toBe('withdrawn');
  });

  it('lets a later ending replace an earlier one', () => {
    expect(foldStatus([
      entry('summons-requested', '2026-12-01T10:00:00Z', '1'),
      entry('withdrawn', '2026-12-02T10:00:00Z', '2'),
    ])).toBe('withdrawn');
  });

  it('lets the outcome service correct a summons request or no-further-diversion to excused, and nothing else', () => {
    for (const ending of ['summons-requested', 'no-further-diversion'] as const) {
      expect(foldStatus([entry(ending, '2026-12-01T10:00:00Z', '1'), entry('excused', '2026-12-02T10:00:00Z', '2')])).toBe('excused');
    }
    for (const ending of ['completed', 'withdrawn'] as const) {
      expect(foldStatus([entry(ending, '2026-12-01T10:00:00Z', '1'), entry('excused', '2026-12-02T10:00:00Z', '2')])).toBe(ending);
    }
    // ...and a reinstated summons request ends it again.
    expect(foldStatus([
      entry('summons-requested', '2026-12-01T10:00:00Z', '1'), entry('excused', '2026-12-02T10:00:00Z', '2'), entry('summons-requested', '2026-12-20T10:00:00Z', '3'),
    ])).toBe('summons-requested');
  });

  it('breaks ties in time by arrival', () => {
    expect(foldStatus([entry('on-course', '2026-12-01T10:00:00Z', '2'), entry('assessed', '2026-12-01T10:00:00Z', '1')])).toBe('on-course');
  });

  it('is undefined for no status at all', () => {
    expect(foldStatus([])).toBeUndefined();
  });
});
