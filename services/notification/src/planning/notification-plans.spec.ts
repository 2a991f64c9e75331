import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@ddp/contracts';
import { notificationId, planForEvent, showCauseFallbackId, showCauseFallbackNowId, type PlanSettings } from './notification-plans';
import { parseReminderOffsets } from './reminder-offsets';

const envelope = (eventType: string, data: Record<string, unknown>): EventEnvelope => ({
  eventId: randomUUID(), eventType, eventVersion: 1, occurredAt: '2026-11-20T20:00:00Z', correlationId: 'c', causationId: null,
  producer: 'provider-scheduling', key: String(data.referralId), data,
});

const now = new Date('2026-11-20T20:30:00Z');
const settings = (extra: Partial<PlanSettings> = {}): PlanSettings => ({ now, offsets: parseReminderOffsets('24h,2h'), ...extra });

describe('what is sent when', () => {
  it('makes ids BullMQ accepts: exactly two colons, whatever the parts hold', () => {
    expect(notificationId('reminder-24h', 'appt:1', 'person')).toBe('reminder-24h:appt.1:person');
  });

  it('AssessmentScheduled: a confirmation now and a reminder 24 h and 2 h before', () => {
    const result = planForEvent(envelope('AssessmentScheduled', {
      referralId: 'r1', appointmentId: 'a1', providerId: 'druglink', startsAt: '2026-11-23T18:00:00Z', endsAt: '2026-11-23T18:30:00Z', modality: 'phone', deadline: '2026-11-21T23:59:59Z',
    }), settings());
    expect(result.create.map((p) => [p.id, p.template, p.role, p.category, p.dueAt.toISOString()])).toEqual([
      ['assessment-booked:a1:person', 'assessment-booked', 'person', 'routine', now.toISOString()],
      ['reminder-24h:a1:person', 'appointment-reminder', 'person', 'reminder', '2026-11-22T18:00:00.000Z'],
      ['reminder-2h:a1:person', 'appointment-reminder', 'person', 'reminder', '2026-11-23T16:00:00.000Z'],
    ]);
    expect(result.create[1].context.appointment).toMatchObject({ appointmentId: 'a1', kind: 'assessment', startsAt: '2026-11-23T18:00:00Z' });
    expect(result.create[1].context.providerId).toBe('druglink');
  });

  it('skips reminders whose time has already passed', () => {
    const result = planForEvent(envelope('AssessmentScheduled', {
      referralId: 'r1', appointmentId: 'a1', providerId: 'druglink', startsAt: '2026-11-21T10:00:00Z', endsAt: '2026-11-21T10:30:00Z', modality: 'phone', deadline: '2026-11-21T23:59:59Z',
    }), settings());
    expect(result.create.map((p) => p.id)).toEqual(['assessment-booked:a1:person', 'reminder-2h:a1:person']);
  });

  it('CourseBooked: one confirmation and reminders for each session, numbered', () => {
    const sessions = [1, 2, 3].map((n) => ({ appointmentId: `s${n}`, startsAt: `2026-12-0${n}T18:00:00Z`, endsAt: `2026-12-0${n}T20:00:00Z`, modality: 'online' }));
    const result = planForEvent(envelope('CourseBooked', { referralId: 'r1', courseId: 'c1', providerId: 'druglink', sessions }), settings());
    expect(result.create[0].id).toBe('course-booked:c1:person');
    expect(result.create[0].context.sessions).toHaveLength(3);
    expect(result.create.slice(1).map((p) => p.id)).toEqual([
      'reminder-24h:s1:person', 'reminder-2h:s1:person', 'reminder-24h:s2:person', 'reminder-2h:s2:person', 'reminder-24h:s3:person', 'reminder-2h:s3:person',
    ]);
    expect(result.create[3].context.appointment?.sessionNumber).toBe(2);
  });

  it('AppointmentRescheduled: cancels the old reminders, tells the person, and reminds before the new time', () => {
    const result = planForEvent(envelope('AppointmentRescheduled', {
      referralId: 'r1', supersededAppointmentId: 'a1', kind: 'assessment', appointmentId: 'a2', startsAt: '2026-11-24T18:00:00Z', endsAt: '2026-11-24T18:30:00Z',
      modality: 'video', requestedBy: 'provider', reason: 'work', cancelledOnly: false,
    }), settings({ knownAppointment: () => ({ providerId: 'druglink', appointment: { appointmentId: 'a1', kind: 'assessment', startsAt: '2026-11-23T18:00:00Z' } }) }));
    expect(result.cancel).toEqual([{ referralId: 'r1', appointmentIds: ['a1'], remindersOnly: true, reason: 'appointment rescheduled' }]);
    expect(result.create.map((p) => [p.id, p.dueAt.toISOString()])).toEqual([
      ['appointment-rescheduled:a2:person', now.toISOString()],
      ['reminder-24h:a2:person', '2026-11-23T18:00:00.000Z'],
      ['reminder-2h:a2:person', '2026-11-24T16:00:00.000Z'],
    ]);
    expect(result.create[1].context.providerId).toBe('druglink');
  });

  it('AppointmentRescheduled with cancelledOnly: cancels reminders and says the appointment is cancelled', () => {
    const result = planForEvent(envelope('AppointmentRescheduled', {
      referralId: 'r1', supersededAppointmentId: 'a1', kind: 'session', appointmentId: 'a1', startsAt: '2026-11-24T18:00:00Z', endsAt: '2026-11-24T18:30:00Z',
      modality: 'video', requestedBy: 'provider', reason: 'closed', cancelledOnly: true,
    }), settings());
    expect(result.create.map((p) => p.id)).toEqual(['appointment-cancelled:a1:person']);
    expect(result.cancel[0]).toMatchObject({ appointmentIds: ['a1'], remindersOnly: true });
  });

  it('ReferralCreated: the decision to the officer and the referral to the provider', () => {
    const result = planForEvent(envelope('ReferralCreated', {
      referralId: 'r1', shortRef: 'ABCD-EFGH', encounterId: 'e1', personRef: 'p', schemeId: 's', area: 'reading', ageBand: 'adult', offenceType: 'possession',
      encounterAt: '2026-11-20T19:00:00Z', assessmentDeadline: '2026-11-21T23:59:59Z', providerId: 'druglink', officerCollarNumber: 'TV1',
    }), settings());
    expect(result.create.map((p) => [p.id, p.role, p.recipientKey])).toEqual([
      ['referral-decision:r1:officer', 'officer', 'TV1'],
      ['new-referral:r1:provider', 'provider', 'druglink'],
    ]);
    expect(JSON.stringify(result.create)).not.toContain('"personRef"');
  });

  it('ReferralDeclined: the decision to the officer, with the reasons', () => {
    const result = planForEvent(envelope('ReferralDeclined', {
      referralId: 'r1', encounterId: 'e1', personRef: 'p', area: 'reading', ageBand: 'adult', reasons: ['suspected-supply'], encounterAt: '2026-11-20T19:00:00Z', officerCollarNumber: 'TV1',
    }), settings());
    expect(result.create).toHaveLength(1);
    expect(result.create[0]).toMatchObject({ id: 'referral-decision:r1:officer', template: 'referral-declined', recipientKey: 'TV1' });
    expect(result.create[0].context.reasons).toEqual(['suspected-supply']);
  });

  it('ReferralWithdrawn: cancels whatever the person has pending and closes the referral', () => {
    const result = planForEvent(envelope('ReferralWithdrawn', { referralId: 'r1', reasonCode: 'officer-error', withdrawnBy: 'x', withdrawnAt: '2026-11-20T20:00:00Z' }), settings());
    expect(result).toEqual({ create: [], cancel: [{ referralId: 'r1', reason: 'referral withdrawn (officer-error)' }], closesReferral: true });
  });

  it('AssessmentMissed: a notice to the person and to the officer; reminders of that appointment stop', () => {
    const result = planForEvent(envelope('AssessmentMissed', { referralId: 'r1', appointmentId: 'a1', deadline: '2026-11-21T23:59:59Z', detectedBy: 'deadline' }), settings());
    expect(result.create.map((p) => [p.id, p.role])).toEqual([
      ['assessment-missed:a1:person', 'person'],
      ['assessment-missed:a1:officer', 'officer'],
    ]);
    expect(result.cancel[0]).toMatchObject({ appointmentIds: ['a1'], remindersOnly: true });
  });

  it('CourseMissed: a missed-session notice to the person', () => {
    const result = planForEvent(envelope('CourseMissed', { referralId: 'r1', appointmentId: 's2', sessionNumber: 2, absenceClass: 'unacceptable', recordedAt: '2026-12-02T21:00:00Z' }), settings());
    expect(result.create.map((p) => p.id)).toEqual(['session-missed:s2:person']);
    expect(result.create[0].context.appointment?.sessionNumber).toBe(2);
  });

  it('ComplianceReviewOpened: a show-cause notice, a legal one', () => {
    const result = planForEvent(envelope('ComplianceReviewOpened', {
      referralId: 'r1', reviewId: 'v1', trigger: 'session-missed', openedAt: '2026-12-02T21:00:00Z', showCauseDeadline: '2026-12-09T23:59:59Z',
      schemeId: 'thames-valley-youth-diversion',
    }), settings());
    // The scheme travels with it: the notice names that scheme's consequence.
    expect(result.create[0]).toMatchObject({ id: 'show-cause:v1:person', category: 'legal', context: { schemeId: 'thames-valley-youth-diversion' } });
  });

  it('ComplianceReviewOpened: the fallback, a phone task for the provider, waits for a delivery receipt; the review closing cancels it', () => {
    const result = planForEvent(envelope('ComplianceReviewOpened', {
      referralId: 'r1', reviewId: 'v1', trigger: 'session-missed', openedAt: '2026-12-02T21:00:00Z', showCauseDeadline: '2026-12-09T23:59:59Z',
    }), { ...settings(), showCauseConfirmWithinMs: 6 * 3_600_000 });
    const task = result.create.find((p) => p.template === 'show-cause-phone-task');
    expect(task).toMatchObject({ id: showCauseFallbackId('v1'), role: 'provider', category: 'operational' });
    expect(task!.dueAt.getTime() - result.create[0].dueAt.getTime()).toBe(6 * 3_600_000);
    const closed = planForEvent(envelope('ComplianceReviewClosed', { referralId: 'r1', reviewId: 'v1', resolution: 'excused', closedAt: '2026-12-03T10:00:00Z' }), settings());
    expect(closed.cancel).toEqual([expect.objectContaining({ ids: [showCauseFallbackId('v1'), showCauseFallbackNowId('v1')] })]);
  });

  it('AssessmentEscalated: to the provider, or to the officer when no provider serves the referral', () => {
    const toProvider = planForEvent(envelope('AssessmentEscalated', { referralId: 'r1', providerId: 'druglink', deadline: '2026-11-21T23:59:59Z', reason: 'no-slot' }), settings());
    expect(toProvider.create[0]).toMatchObject({ template: 'assessment-escalated', role: 'provider', recipientKey: 'druglink' });
    const toOfficer = planForEvent(envelope('AssessmentEscalated', { referralId: 'r1', deadline: '2026-11-21T23:59:59Z', reason: 'no-provider' }), settings());
    expect(toOfficer.create[0]).toMatchObject({ template: 'officer-assessment-escalated', role: 'officer' });
  });

  it('SummonsRequested: to the courts unit, with the whole request; a withdrawal cancels it if not yet sent', () => {
    const requested = planForEvent(envelope('SummonsRequested', {
      referralId: 'r1', summonsRequestId: 'sr1', personRef: 'PNC-1', schemeId: 's', area: 'reading', offenceType: 'possession', encounterAt: '2026-11-20T19:00:00Z',
      reason: 'did not attend', attendance: [], requestedAt: '2026-12-10T10:00:00Z',
    }), settings());
    expect(requested.create[0]).toMatchObject({ id: 'summons-requested:sr1:courts-unit', role: 'courts-unit', recipientKey: 'reading' });
    expect(requested.create[0].context.event?.personRef).toBe('PNC-1');
    const withdrawn = planForEvent(envelope('SummonsRequestWithdrawn', { referralId: 'r1', summonsRequestId: 'sr1', withdrawnBy: 'sup', reason: 'error', withdrawnAt: '2026-12-10T11:00:00Z' }), settings());
    expect(withdrawn.cancel[0].ids).toEqual(['summons-requested:sr1:courts-unit']);
    expect(withdrawn.create[0].id).toBe('summons-withdrawn:sr1:courts-unit');
  });

  it('AttendanceOverdue: a reminder to the provider to record attendance', () => {
    const result = planForEvent(envelope('AttendanceOverdue', {
      referralId: 'r1', appointmentId: 's1', providerId: 'druglink', kind: 'session', sessionNumber: 3, startsAt: '2026-12-01T18:00:00Z', endsAt: '2026-12-01T20:00:00Z', overdueSince: '2026-12-02T08:00:00Z',
    }), settings());
    expect(result.create[0]).toMatchObject({ id: 'attendance-overdue:s1:provider', role: 'provider', recipientKey: 'druglink', category: 'operational' });
    expect(result.create[0].context.appointment).toMatchObject({ kind: 'session', sessionNumber: 3, startsAt: '2026-12-01T18:00:00Z' });
  });

  it('takes the provider and session number from the event when it carries them', () => {
    const moved = planForEvent(envelope('AppointmentRescheduled', {
      referralId: 'r1', supersededAppointmentId: 's2', kind: 'session', appointmentId: 's2b', startsAt: '2026-11-24T18:00:00Z', endsAt: '2026-11-24T20:00:00Z',
      modality: 'online', requestedBy: 'person', reason: 'shift', cancelledOnly: false, providerId: 'druglink', sessionNumber: 2,
    }), settings());
    expect(moved.create[0].context).toMatchObject({ providerId: 'druglink', appointment: { sessionNumber: 2, kind: 'session' } });
    const missed = planForEvent(envelope('CourseMissed', { referralId: 'r1', appointmentId: 's2', sessionNumber: 2, absenceClass: 'unacceptable', recordedAt: '2026-12-02T21:00:00Z', providerId: 'druglink' }), settings());
    expect(missed.create[0].context.providerId).toBe('druglink');
  });

  it('completion stops the reminders still pending', () => {
    expect(planForEvent(envelope('CourseCompleted', { referralId: 'r1', courseId: 'c1', completedAt: '2026-12-10T10:00:00Z', sessionsAttended: 3 }), settings()).cancel)
      .toEqual([{ referralId: 'r1', remindersOnly: true, reason: 'CourseCompleted' }]);
    expect(planForEvent(envelope('SessionAttended', { referralId: 'r1' }), settings())).toEqual({ create: [], cancel: [] });
  });
});
