import { randomUUID } from 'node:crypto';
import { TOPICS, type AssessmentMissedData, type AssessmentScheduledData, type AttendanceOverdueData, type CourseBookedData } from '@ddp/contracts';
import {
  ControllableClock, EventTap, getJson, postJson, queryDatabase, referralCreatedAt, sendEnvelope, sleep, startTestService, testProducer, testServiceEnv, waitUntil,
} from '@ddp/testing';
import type { RunningService } from '@ddp/platform';
import type { Producer } from 'kafkajs';
import { AssessmentService } from '../assessments/assessment.service';
import { CourseService } from '../courses/course.service';
import { providerSchedulingService } from '../provider-scheduling.service-definition';
import { SchedulingJobs, assessmentDeadlineJobId, attendanceReminderJobId } from './scheduling-jobs';

/*
 * Deadline and reminder jobs (BullMQ on real Redis): they fire when the service clock
 * passes them, act exactly once, and survive a restart of the service. Business time is
 * February 2030 on a ControllableClock shared by the service instances of this suite.
 */
describe('provider-scheduling: deadline and reminder jobs', () => {
  const clock = new ControllableClock(new Date('2030-02-04T09:50:00Z'));
  const env = testServiceEnv('provider_scheduling_deadlines', { REDIS_PREFIX: `ddp-test-sched-deadlines-${randomUUID().slice(0, 8)}` });
  const db = env.DATABASE_URL;
  const actor = { 'x-actor-id': 'caseworker-12' };
  let service: RunningService;
  let tap: EventTap;
  let producer: Producer;

  beforeAll(async () => {
    tap = await EventTap.start([TOPICS.scheduling]);
    producer = await testProducer();
    service = await startTestService(providerSchedulingService(env, clock));
  });

  afterAll(async () => {
    await service?.app.get(SchedulingJobs).queue.obliterate({ force: true }).catch(() => undefined);
    await service?.stop();
    await tap?.stop();
    await producer?.disconnect();
  });

  /** Moves the service clock to `at` and lets it fire what became due (POST /admin/clock does the same). */
  const moveClockTo = async (at: string) => {
    clock.set(new Date(at));
    await clock.notifyMoved();
  };
  const restart = async () => {
    await service.stop();
    service = await startTestService(providerSchedulingService(env, clock), { fresh: false });
  };
  const book = async (encounterAt: string, area: string, ageBand: 'youth' | 'adult') => {
    const referral = referralCreatedAt(encounterAt, { area, ageBand });
    await sendEnvelope(producer, TOPICS.referral, referral);
    const event = await tap.waitForEvent<AssessmentScheduledData>('AssessmentScheduled', (e) => e.key === referral.key);
    return { referralId: referral.key, appointmentId: event.data.appointmentId, event };
  };
  const missedEvents = (referralId: string) => tap.events<AssessmentMissedData>('AssessmentMissed', referralId);
  const overdueEvents = (referralId: string) => tap.events<AttendanceOverdueData>('AttendanceOverdue', referralId).filter((e) => e.data.kind === 'assessment');

  it('asks the provider to record what happened (AttendanceOverdue, once) when nothing was recorded by the deadline, even with a restart: never a missed assessment', async () => {
    const { referralId, appointmentId, event } = await book('2030-02-04T09:45:00Z', 'reading', 'adult');
    expect(event.data).toMatchObject({ startsAt: '2030-02-04T10:30:00.000Z', deadline: '2030-02-05T23:59:59.999Z' });

    await restart();
    // The job lives in Redis: the new instance finds it waiting.
    const job = await service.app.get(SchedulingJobs).queue.getJob(assessmentDeadlineJobId(appointmentId));
    expect(await job?.getState()).toBe('delayed');

    await moveClockTo('2030-02-05T23:30:00Z'); // not yet due
    await sleep(500);
    expect(overdueEvents(referralId)).toEqual([]);
    expect((await getJson(`${service.url}/v1/providers/druglink/worklist`)).body.items.filter((i: { referralId?: string }) => i.referralId === referralId)).toEqual([]);

    await moveClockTo('2030-02-06T00:30:00Z');
    const overdue = await tap.waitForEvent<AttendanceOverdueData>('AttendanceOverdue', (e) => e.key === referralId);
    expect(overdue.data).toEqual({
      referralId, appointmentId, providerId: 'druglink', kind: 'assessment', startsAt: '2030-02-04T10:30:00.000Z', endsAt: '2030-02-04T11:00:00.000Z',
      overdueSince: '2030-02-05T23:59:59.999Z',
    });

    // Once only: another clock move, another run of the processor, a re-added job: no second event.
    await moveClockTo('2030-02-06T06:00:00Z');
    expect(await service.app.get(AssessmentService).onDeadline(appointmentId)).toBe('nothing-to-do');
    await service.app.get(SchedulingJobs).add('assessment-deadline', assessmentDeadlineJobId(appointmentId), { appointmentId, referralId }, new Date('2030-02-05T23:59:59.999Z'));
    await restart();
    await moveClockTo('2030-02-06T07:00:00Z');
    await sleep(1500);
    expect(overdueEvents(referralId)).toHaveLength(1);
    // A missing record is not a missed appointment: nothing recorded for the person, the appointment still open.
    expect(missedEvents(referralId)).toEqual([]);
    expect(await queryDatabase(db, 'SELECT outcome FROM assessment_record WHERE appointment_id = $1', [appointmentId])).toEqual([]);
    expect(await queryDatabase(db, 'SELECT status FROM scheduling_referral WHERE referral_id = $1', [referralId])).toEqual([{ status: 'assessment-scheduled' }]);
    expect(await queryDatabase(db, 'SELECT status FROM appointment WHERE id = $1', [appointmentId])).toEqual([{ status: 'booked' }]);

    // On the provider's worklist at once; on the supervisors' after UNRECORDED_SUPERVISOR_AFTER_HOURS (24).
    const item = { kind: 'record-assessment-outcome', referralId, appointmentId, providerId: 'druglink', since: '2030-02-05T23:59:59.999Z' };
    expect((await getJson(`${service.url}/v1/providers/druglink/worklist`)).body.items).toContainEqual(expect.objectContaining(item));
    const supervisors = async () => (await getJson(`${service.url}/v1/worklists/supervisors`)).body.items.filter((i: { referralId?: string }) => i.referralId === referralId);
    expect(await supervisors()).toEqual([]);
    await moveClockTo('2030-02-07T00:30:00Z');
    expect(await supervisors()).toEqual([expect.objectContaining(item)]);

    // The provider records it late: it leaves both worklists, and the journey goes on from the record.
    const recorded = await postJson(`${service.url}/v1/providers/druglink/appointments/${appointmentId}/assessment-outcome`, { outcome: 'completed', supportPlanSummary: 'Held on the day; recorded late' }, actor);
    expect(recorded.status).toBe(200);
    expect(recorded.body.referralStatus).toBe('assessed');
    expect(await supervisors()).toEqual([]);
    expect((await getJson(`${service.url}/v1/providers/druglink/worklist`)).body.items.filter((i: { referralId?: string }) => i.referralId === referralId)).toEqual([]);
  });

  it('refuses a missed assessment without its absence class (400, naming the field), changing nothing', async () => {
    await moveClockTo('2030-02-08T09:50:00Z');
    const { referralId, appointmentId } = await book('2030-02-08T09:45:00Z', 'reading', 'adult');
    await moveClockTo('2030-02-08T10:45:00Z');
    const refused = await postJson(`${service.url}/v1/providers/druglink/appointments/${appointmentId}/assessment-outcome`, { outcome: 'missed' }, actor);
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('absenceClass');
    expect(await queryDatabase(db, 'SELECT status FROM appointment WHERE id = $1', [appointmentId])).toEqual([{ status: 'booked' }]);
    expect(missedEvents(referralId)).toEqual([]);
  });

  it('does nothing at the deadline when the provider recorded the assessment in time', async () => {
    await moveClockTo('2030-02-11T09:50:00Z');
    const { referralId, appointmentId } = await book('2030-02-11T09:45:00Z', 'reading', 'adult');
    await moveClockTo('2030-02-11T10:45:00Z');
    const recorded = await postJson(`${service.url}/v1/providers/druglink/appointments/${appointmentId}/assessment-outcome`,
      { outcome: 'completed', supportPlanSummary: 'Weekly key-work sessions; harm-reduction advice given' }, actor);
    expect(recorded.status).toBe(200);
    await tap.waitForEvent('AssessmentCompleted', (e) => e.key === referralId);

    await moveClockTo('2030-02-13T00:30:00Z');
    expect(await service.app.get(AssessmentService).onDeadline(appointmentId)).toBe('nothing-to-do');
    await sleep(1000);
    expect(missedEvents(referralId)).toEqual([]);
    expect(overdueEvents(referralId)).toEqual([]);
  });

  it('restores a job Redis lost at the next start (boot sweep), and it still fires', async () => {
    await moveClockTo('2030-02-18T09:50:00Z');
    const { referralId, appointmentId } = await book('2030-02-18T09:45:00Z', 'reading', 'adult');
    const queue = service.app.get(SchedulingJobs).queue;
    await (await queue.getJob(assessmentDeadlineJobId(appointmentId)))!.remove();
    expect(await queue.getJob(assessmentDeadlineJobId(appointmentId))).toBeUndefined();

    await restart();
    expect(await (await service.app.get(SchedulingJobs).queue.getJob(assessmentDeadlineJobId(appointmentId)))?.getState()).toBe('delayed');
    await moveClockTo('2030-02-20T00:30:00Z');
    await tap.waitForEvent('AttendanceOverdue', (e) => e.key === referralId);
    expect(overdueEvents(referralId)).toHaveLength(1);
  });

  it('reminds the provider (AttendanceOverdue, once) when a session ended hours ago without attendance, and not when it was recorded', async () => {
    await moveClockTo('2030-02-25T09:05:00Z'); // Monday
    const { referralId, appointmentId } = await book('2030-02-25T09:00:00Z', 'reading', 'youth');
    const provider = 'reading-youth-substance-misuse-service';
    await moveClockTo('2030-02-25T09:45:00Z');
    expect((await postJson(`${service.url}/v1/providers/${provider}/appointments/${appointmentId}/assessment-outcome`,
      { outcome: 'completed', supportPlanSummary: 'Six-week course, online' }, actor)).status).toBe(200);
    const course = await postJson(`${service.url}/v1/providers/${provider}/referrals/${referralId}/course`, { startsAt: '2030-02-26T17:30:00Z', modality: 'online' }, actor);
    expect(course.status).toBe(201);
    const booked = await tap.waitForEvent<CourseBookedData>('CourseBooked', (e) => e.key === referralId);
    const [first, second] = booked.data.sessions;
    expect(await (await service.app.get(SchedulingJobs).queue.getJob(attendanceReminderJobId(first.appointmentId)))?.getState()).toBe('delayed');

    // Session 1 (Tue 17:30-18:30): nothing recorded; due at 22:30 (ATTENDANCE_REMINDER_HOURS=4).
    await moveClockTo('2030-02-26T22:00:00Z');
    await sleep(500);
    expect(tap.events('AttendanceOverdue', referralId)).toEqual([]);
    await moveClockTo('2030-02-26T22:31:00Z');
    const overdue = await tap.waitForEvent<AttendanceOverdueData>('AttendanceOverdue', (e) => e.key === referralId);
    expect(overdue.data).toEqual({
      referralId, appointmentId: first.appointmentId, providerId: provider, kind: 'session', courseId: booked.data.courseId, sessionNumber: 1,
      startsAt: '2030-02-26T17:30:00.000Z', endsAt: '2030-02-26T18:30:00.000Z', overdueSince: '2030-02-26T22:30:00.000Z',
    });
    expect(await service.app.get(CourseService).onReminderDue(first.appointmentId)).toBe('nothing-to-do');

    // Session 2: attendance recorded after it ended: no reminder.
    await moveClockTo('2030-03-05T18:35:00Z');
    expect((await postJson(`${service.url}/v1/providers/${provider}/appointments/${second.appointmentId}/attendance`, { mark: 'attended' }, actor)).status).toBe(200);
    await moveClockTo('2030-03-05T23:00:00Z');
    await sleep(1000);
    const reminders = tap.events<AttendanceOverdueData>('AttendanceOverdue', referralId);
    expect(reminders.map((e) => e.data.sessionNumber)).toEqual([1]);
    await waitUntil(async () => (await queryDatabase(db, 'SELECT reminder_sent_at FROM appointment WHERE id = $1', [first.appointmentId]))[0].reminder_sent_at !== null, 'reminder noted');
  });
});
