import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import {
  AppointmentRescheduled, AttendanceOverdue, CourseBooked, CourseCompleted, CourseMissed, SessionAttended, type ModalityValue,
} from '@ddp/contracts';
import { addDays, assessAttendance, eventForAttendance, isTerminal, ukLocalDate, type Provider, type Scheme } from '@ddp/domain';
import { SERVICE_CONFIG } from '@ddp/platform';
import { randomUUID } from 'node:crypto';
import { AppointmentEntity } from '../appointments/appointment.entity';
import { AppointmentStore } from '../appointments/appointment-store';
import { AttendanceEntity } from '../appointments/attendance.entity';
import { conflict, unprocessable } from '../common/api-error';
import { Transactions } from '../common/transactions';
import type { UnitOfWork } from '../common/unit-of-work';
import { JOB_NAMES, SchedulingJobs, type JobOutcome } from '../jobs/scheduling-jobs';
import type { ProviderSchedulingConfig } from '../provider-scheduling.config';
import { describeHours, fitsOpeningHours, minutesOf, sessionStarts, ukWallClock, ukWallTime } from '../providers/opening-hours';
import { ProviderDirectory } from '../providers/provider-directory';
import { ReferralLifecycle } from '../referrals/referral-lifecycle';
import { SchedulingReferralEntity } from '../referrals/scheduling-referral.entity';
import { SlotBooking, type TakenSlot } from '../slots/slot-booking.service';
import { CourseEntity } from './course.entity';

export interface AttendanceInput {
  mark: 'attended' | 'late' | 'did-not-attend';
  absenceClass?: 'acceptable' | 'logistics' | 'unacceptable';
  notes?: string;
  /** With an attendance that can end the course: the kinds of local service the person was signposted to. */
  signposting?: string[];
}

export interface MoveRequest {
  requestedBy: string;
  reason: string;
}

/**
 * Courses from the scheme's template (sessions × minutes, every n days, at the same UK wall
 * time), attendance per session with libs/domain's compliance rules, completion, session
 * moves and course deferral, and the attendance reminder job.
 */
@Injectable()
export class CourseService implements OnModuleInit {
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ProviderSchedulingConfig,
    @Inject(ProviderDirectory) private readonly directory: ProviderDirectory,
    @Inject(SlotBooking) private readonly slots: SlotBooking,
    @Inject(AppointmentStore) private readonly appointments: AppointmentStore,
    @Inject(ReferralLifecycle) private readonly lifecycle: ReferralLifecycle,
    @Inject(SchedulingJobs) private readonly jobs: SchedulingJobs,
    @Inject(Transactions) private readonly tx: Transactions,
  ) {}

  onModuleInit(): void {
    this.jobs.register(JOB_NAMES.attendanceReminder, (data) => this.onReminderDue(data.appointmentId));
  }

  private get leadMs(): number {
    return this.config.BOOKING_LEAD_MINUTES * 60_000;
  }

  private schemeOf(referral: SchedulingReferralEntity): Scheme {
    const scheme = this.directory.scheme(referral.schemeId);
    if (!scheme) throw unprocessable('unknown-scheme', `Scheme ${referral.schemeId} is not in the rule tables`);
    return scheme;
  }

  /** Books the scheme's course: `template.sessions` sessions from `startsAt`, every `intervalDays`. */
  async bookCourse(uow: UnitOfWork, referral: SchedulingReferralEntity, provider: Provider, input: { startsAt: Date; modality: ModalityValue }) {
    this.lifecycle.next(referral, { type: 'course-booked' }); // 409 before anything is written
    const scheme = this.schemeOf(referral);
    const template = scheme.course;
    this.checkModality(provider, input.modality);
    this.checkStart(uow, input.startsAt);
    const times = sessionStarts(input.startsAt, template.sessions, template.intervalDays).map((startsAt) => ({
      startsAt, endsAt: new Date(startsAt.getTime() + template.sessionMinutes * 60_000),
    }));
    times.forEach((t, i) => this.checkHours(provider, t.startsAt, t.endsAt, `session ${i + 1}`));

    // A course booked again after an excused review replaces what was left of the old one.
    const previous = await uow.manager.find(CourseEntity, { where: { referralId: referral.referralId, status: 'booked' } });
    for (const old of previous) {
      for (const s of await this.appointments.currentSessions(uow.manager, old.id)) {
        if (s.status !== 'booked') continue;
        await uow.manager.update(AppointmentEntity, { id: s.id }, { status: 'cancelled', cancelledAt: uow.now, cancelledBy: uow.actor, cancelReason: 'course replaced' });
        await this.slots.releaseSlot(uow.manager, s.slotId);
        this.appointments.cancelJobs(uow, s);
      }
      await uow.manager.update(CourseEntity, { id: old.id }, { status: 'cancelled', cancelledAt: uow.now, cancelReason: 'replaced by a new course' });
    }

    const taken: TakenSlot[] = [];
    for (const [i, t] of times.entries()) taken.push(await this.takeSession(uow, provider, t.startsAt, t.endsAt, `session ${i + 1}`));
    const course: CourseEntity = {
      id: randomUUID(), referralId: referral.referralId, providerId: provider.id, schemeId: scheme.id, modality: input.modality,
      sessions: template.sessions, intervalDays: template.intervalDays, sessionMinutes: template.sessionMinutes, firstSessionAt: times[0].startsAt,
      status: 'booked', bookedAt: uow.now, bookedBy: uow.actor, completedAt: null, cancelledAt: null, cancelReason: null,
      deferCount: 0, lastDeferredAt: null, lastDeferredBy: null, signposting: null,
    };
    await uow.manager.insert(CourseEntity, course);
    const sessions: AppointmentEntity[] = [];
    for (const [i, slot] of taken.entries()) {
      sessions.push(await this.appointments.create(uow, {
        referralId: referral.referralId, kind: 'session', providerId: provider.id, modality: input.modality, slot, courseId: course.id, sessionNumber: i + 1,
      }));
    }
    await this.lifecycle.move(uow.manager, referral, { type: 'course-booked' }, uow.actor, uow.now, `course ${course.id}`);
    await uow.publish(CourseBooked, {
      referralId: referral.referralId, courseId: course.id, providerId: provider.id, bookedBy: uow.actor,
      sessions: sessions.map((s) => ({ appointmentId: s.id, startsAt: s.startsAt.toISOString(), endsAt: s.endsAt.toISOString(), modality: input.modality })),
    }, referral);
    return { course, sessions };
  }

  /**
   * Attendance at one session. Attended or late → SessionAttended (and CourseCompleted with
   * the last one); did not attend → CourseMissed with its absence class, and the lifecycle
   * move libs/domain's assessAttendance gives (rebooked, or review-opened past the tolerance).
   */
  async recordAttendance(uow: UnitOfWork, referral: SchedulingReferralEntity, session: AppointmentEntity, input: AttendanceInput): Promise<AttendanceEntity> {
    if (session.kind !== 'session') {
      throw unprocessable('not-a-course-session', `Appointment ${session.id} is an assessment: record it at /assessment-outcome`);
    }
    const existing = await uow.manager.findOneBy(AttendanceEntity, { appointmentId: session.id });
    if (existing) {
      throw conflict('attendance-already-recorded', `Attendance at session ${session.sessionNumber} (${session.id}) was already recorded as ${existing.mark} at ${existing.recordedAt.toISOString()} by ${existing.recordedBy}`);
    }
    if (session.status !== 'booked') {
      throw conflict('appointment-not-open', `Session ${session.id} is ${session.status}${session.supersededById ? ` (superseded by ${session.supersededById})` : ''}`);
    }
    if (uow.now.getTime() < session.startsAt.getTime()) {
      throw unprocessable('session-in-future', `Session ${session.sessionNumber} starts at ${session.startsAt.toISOString()}: attendance cannot be recorded before then`);
    }
    if (input.mark === 'did-not-attend' && !input.absenceClass) {
      throw unprocessable('absence-class-required', 'A did-not-attend mark needs absenceClass: acceptable, logistics or unacceptable');
    }
    if (input.mark !== 'did-not-attend' && input.absenceClass) {
      throw unprocessable('absence-class-not-allowed', `absenceClass applies only to did-not-attend, not to ${input.mark}`);
    }
    if (input.mark === 'did-not-attend' && input.signposting) {
      throw unprocessable('signposting-not-allowed', 'signposting is recorded with the attendance that completes the course, not with a did-not-attend');
    }
    const scheme = this.schemeOf(referral);
    const priorFailures = Number((await uow.manager.query('SELECT count(*)::int AS n FROM attendance WHERE referral_id = $1 AND counts_as_failure', [referral.referralId]))[0].n);
    const assessment = assessAttendance(input.mark, input.absenceClass, priorFailures, scheme);
    // Under review, the review decides what follows: a further mark is recorded as a fact only.
    const underReview = referral.status === 'non-compliance-review';
    const lifecycleEvent = underReview ? undefined : eventForAttendance(assessment);
    if (isTerminal(referral.status)) throw conflict('referral-closed', `The referral is ${referral.status}: attendance can no longer be recorded`);
    if (lifecycleEvent) this.lifecycle.next(referral, lifecycleEvent); // 409 before anything is written

    const row: AttendanceEntity = {
      appointmentId: session.id, referralId: referral.referralId, courseId: session.courseId!, sessionNumber: session.sessionNumber!,
      mark: input.mark, absenceClass: input.absenceClass ?? null, notes: input.notes ?? null,
      // A did-not-attend here always carries its class (checked above), so the follow-up is never 'ask-provider'.
      countsAsFailure: assessment.countsAsFailure, followUp: assessment.action as AttendanceEntity['followUp'], recordedAt: uow.now, recordedBy: uow.actor,
    };
    await uow.manager.insert(AttendanceEntity, row);
    await uow.manager.update(AppointmentEntity, { id: session.id }, { status: input.mark });
    session.status = input.mark;
    this.appointments.cancelJobs(uow, session);

    if (input.mark === 'did-not-attend') {
      const detail = `session ${session.sessionNumber}: ${input.absenceClass} absence (${assessment.countsAsFailure ? 'a failure' : 'no failure'}, follow-up ${assessment.action})`;
      // A review opens now; a rebooking moves the lifecycle when the new appointment is booked.
      if (lifecycleEvent?.type === 'review-opened') await this.lifecycle.move(uow.manager, referral, lifecycleEvent, uow.actor, uow.now, detail);
      else await this.lifecycle.note(uow.manager, referral, 'did-not-attend', uow.actor, uow.now, detail);
      await uow.publish(CourseMissed, {
        referralId: referral.referralId, appointmentId: session.id, sessionNumber: session.sessionNumber!, absenceClass: input.absenceClass!,
        recordedAt: uow.now.toISOString(), courseId: session.courseId!, providerId: session.providerId, recordedBy: uow.actor,
        countsAsFailure: assessment.countsAsFailure, followUp: assessment.action === 'none' ? undefined : assessment.action,
      }, referral);
      return row;
    }

    if (input.signposting) await uow.manager.update(CourseEntity, { id: session.courseId! }, { signposting: [...new Set(input.signposting)] });
    await uow.publish(SessionAttended, {
      referralId: referral.referralId, appointmentId: session.id, sessionNumber: session.sessionNumber!, mark: input.mark,
      recordedAt: uow.now.toISOString(), courseId: session.courseId!, providerId: session.providerId, recordedBy: uow.actor,
    }, referral);
    await this.completeIfDone(uow, referral, session.courseId!);
    return row;
  }

  /** When every session's current appointment is attended (or late), the course is completed (also called when a review is excused). */
  async completeIfDone(uow: UnitOfWork, referral: SchedulingReferralEntity, courseId: string): Promise<void> {
    const course = await uow.manager.findOneByOrFail(CourseEntity, { id: courseId });
    if (course.status !== 'booked') return;
    const current = await this.appointments.currentSessions(uow.manager, courseId);
    const held = current.filter((s) => s.status === 'attended' || s.status === 'late');
    const numbers = new Set(held.map((s) => s.sessionNumber));
    if (numbers.size < course.sessions || held.length !== current.length) return;
    if (!this.lifecycle.allows(referral, { type: 'course-completed' })) return; // e.g. under review: the review decides
    await uow.manager.update(CourseEntity, { id: courseId }, { status: 'completed', completedAt: uow.now });
    await this.lifecycle.move(uow.manager, referral, { type: 'course-completed' }, uow.actor, uow.now, `course ${courseId}`);
    await uow.publish(CourseCompleted, {
      referralId: referral.referralId, courseId, completedAt: uow.now.toISOString(), sessionsAttended: held.length, providerId: course.providerId,
      signposting: course.signposting ?? [],
    }, referral);
  }

  /**
   * Moves one session (booked, or missed and to be rebooked) to `startsAt`, or to the next
   * free time when none is given; the old appointment is kept as superseded.
   */
  async rescheduleSession(uow: UnitOfWork, referral: SchedulingReferralEntity, old: AppointmentEntity, input: { startsAt?: Date; modality?: ModalityValue } & MoveRequest): Promise<AppointmentEntity> {
    this.lifecycle.next(referral, { type: 'rebooked' }); // 409 before anything is written
    const provider = this.providerOf(old);
    const course = await uow.manager.findOneByOrFail(CourseEntity, { id: old.courseId! });
    if (course.status !== 'booked') throw conflict('course-not-open', `Course ${course.id} is ${course.status}`);
    const modality = input.modality ?? (old.modality as ModalityValue);
    this.checkModality(provider, modality);
    const minutes = course.sessionMinutes;
    let slot: TakenSlot;
    if (input.startsAt) {
      this.checkStart(uow, input.startsAt);
      const endsAt = new Date(input.startsAt.getTime() + minutes * 60_000);
      this.checkHours(provider, input.startsAt, endsAt, `session ${old.sessionNumber}`);
      await this.checkNoClash(uow, old, input.startsAt, endsAt);
      slot = await this.takeSession(uow, provider, input.startsAt, endsAt, `session ${old.sessionNumber}`);
    } else {
      slot = await this.findSessionSlot(uow, provider, old, minutes);
    }
    return this.replaceSession(uow, referral, old, slot, modality, input);
  }

  /** RebookingRequested for a missed session: the next free time, as close to the old wall-clock time as the hours allow. */
  async rebookSession(uow: UnitOfWork, referral: SchedulingReferralEntity, missed: AppointmentEntity, why: MoveRequest): Promise<AppointmentEntity> {
    const provider = this.providerOf(missed);
    const course = await uow.manager.findOneByOrFail(CourseEntity, { id: missed.courseId! });
    const slot = await this.findSessionSlot(uow, provider, missed, course.sessionMinutes);
    return this.replaceSession(uow, referral, missed, slot, missed.modality as ModalityValue, why);
  }

  /**
   * Defers a course: every session not yet held moves, the first to `startsAt` and the rest
   * every `intervalDays` after it; each old appointment is kept as superseded.
   */
  async deferCourse(uow: UnitOfWork, referral: SchedulingReferralEntity, course: CourseEntity, input: { startsAt: Date } & MoveRequest): Promise<AppointmentEntity[]> {
    if (course.status !== 'booked') throw conflict('course-not-open', `Course ${course.id} is ${course.status}: nothing to defer`);
    const pending = (await this.appointments.currentSessions(uow.manager, course.id)).filter((s) => s.status === 'booked');
    if (pending.length === 0) throw conflict('nothing-to-defer', `Every session of course ${course.id} has been held or recorded`);
    this.lifecycle.next(referral, { type: 'rebooked' }); // 409 before anything is written
    const first = pending[0];
    if (input.startsAt.getTime() <= first.startsAt.getTime()) {
      throw unprocessable('defer-not-later', `A deferral moves the course later: the next session is at ${first.startsAt.toISOString()}`);
    }
    this.checkStart(uow, input.startsAt);
    const provider = this.providerOf(first);
    const starts = sessionStarts(input.startsAt, pending.length, course.intervalDays);
    const times = starts.map((s) => ({ startsAt: s, endsAt: new Date(s.getTime() + course.sessionMinutes * 60_000) }));
    times.forEach((t, i) => this.checkHours(provider, t.startsAt, t.endsAt, `session ${pending[i].sessionNumber}`));

    const moved: AppointmentEntity[] = [];
    // Give the old places back first: a deferral by a week may reuse the times it vacates.
    const ids = pending.map(() => randomUUID());
    for (const [i, old] of pending.entries()) {
      await this.appointments.supersede(uow, old, ids[i], { by: uow.actor, requestedBy: input.requestedBy, reason: input.reason });
    }
    for (const [i, old] of pending.entries()) {
      const slot = await this.takeSession(uow, provider, times[i].startsAt, times[i].endsAt, `session ${old.sessionNumber}`);
      const replacement = await this.appointments.create(uow, {
        id: ids[i], referralId: referral.referralId, kind: 'session', providerId: old.providerId, modality: old.modality, slot,
        courseId: course.id, sessionNumber: old.sessionNumber, supersedesId: old.id,
      });
      moved.push(replacement);
      await this.publishRescheduled(uow, referral, old, replacement, input);
    }
    await uow.manager.update(CourseEntity, { id: course.id }, { deferCount: course.deferCount + 1, lastDeferredAt: uow.now, lastDeferredBy: uow.actor });
    await this.lifecycle.move(uow.manager, referral, { type: 'rebooked' }, uow.actor, uow.now, `course ${course.id} deferred to ${input.startsAt.toISOString()}: ${input.reason}`);
    return moved;
  }

  /** The reminder job: a session still without attendance some hours after it ended → AttendanceOverdue (once). */
  async onReminderDue(appointmentId: string): Promise<JobOutcome> {
    return this.tx.run('system:attendance-reminder', async (uow) => {
      const found = await uow.manager.findOneBy(AppointmentEntity, { id: appointmentId });
      if (!found) return 'stray';
      const referral = await this.lifecycle.lock(uow.manager, found.referralId);
      const session = await this.appointments.lock(uow.manager, appointmentId);
      if (!referral || session.status !== 'booked' || session.reminderSentAt || isTerminal(referral.status)) return 'nothing-to-do';
      const dueAt = new Date(session.endsAt.getTime() + this.config.ATTENDANCE_REMINDER_HOURS * 3_600_000);
      if (uow.now.getTime() < dueAt.getTime()) return 'early';
      await uow.manager.update(AppointmentEntity, { id: appointmentId }, { reminderSentAt: uow.now });
      await uow.publish(AttendanceOverdue, {
        referralId: referral.referralId, appointmentId, providerId: session.providerId, kind: session.kind,
        courseId: session.courseId ?? undefined, sessionNumber: session.sessionNumber ?? undefined,
        startsAt: session.startsAt.toISOString(), endsAt: session.endsAt.toISOString(), overdueSince: dueAt.toISOString(),
      }, referral);
      return 'done';
    });
  }

  private async replaceSession(uow: UnitOfWork, referral: SchedulingReferralEntity, old: AppointmentEntity, slot: TakenSlot, modality: ModalityValue, why: MoveRequest): Promise<AppointmentEntity> {
    const newId = randomUUID();
    await this.appointments.supersede(uow, old, newId, { by: uow.actor, requestedBy: why.requestedBy, reason: why.reason });
    const replacement = await this.appointments.create(uow, {
      id: newId, referralId: referral.referralId, kind: 'session', providerId: old.providerId, modality, slot,
      courseId: old.courseId, sessionNumber: old.sessionNumber, supersedesId: old.id,
    });
    await this.lifecycle.move(uow.manager, referral, { type: 'rebooked' }, uow.actor, uow.now, `session ${old.sessionNumber}: ${old.id} → ${newId}: ${why.reason}`);
    await this.publishRescheduled(uow, referral, old, replacement, why);
    return replacement;
  }

  private async publishRescheduled(uow: UnitOfWork, referral: SchedulingReferralEntity, old: AppointmentEntity, replacement: AppointmentEntity, why: MoveRequest): Promise<void> {
    await uow.publish(AppointmentRescheduled, {
      referralId: referral.referralId, supersededAppointmentId: old.id, kind: 'session', appointmentId: replacement.id,
      startsAt: replacement.startsAt.toISOString(), endsAt: replacement.endsAt.toISOString(), modality: replacement.modality as ModalityValue,
      requestedBy: why.requestedBy, reason: why.reason, cancelledOnly: false, providerId: replacement.providerId,
      courseId: replacement.courseId ?? undefined, sessionNumber: replacement.sessionNumber ?? undefined, recordedBy: uow.actor,
    }, referral);
  }

  /**
   * The first time from tomorrow (UK) on, within REBOOK_SEARCH_DAYS, that fits the provider's
   * hours, does not clash with the person's other sessions and has a place: the old
   * wall-clock time first, then the start of each opening period.
   */
  private async findSessionSlot(uow: UnitOfWork, provider: Provider, old: AppointmentEntity, minutes: number): Promise<TakenSlot> {
    const wall = ukWallClock(old.startsAt).time;
    const today = ukLocalDate(uow.now);
    const notBefore = uow.now.getTime() + this.leadMs;
    for (let day = 1; day <= this.config.REBOOK_SEARCH_DAYS; day++) {
      const date = addDays(today, day);
      const times = new Set([wall]);
      for (const p of Object.values(provider.openingHours).flat()) times.add(p.opens);
      for (const time of [...times].sort((a, b) => (a === wall ? -1 : b === wall ? 1 : minutesOf(a) - minutesOf(b)))) {
        const startsAt = ukWallTime(date, time);
        const endsAt = new Date(startsAt.getTime() + minutes * 60_000);
        if (startsAt.getTime() < notBefore || !fitsOpeningHours(provider, startsAt, endsAt)) continue;
        if (await this.clashes(uow, old, startsAt, endsAt)) continue;
        const result = await this.slots.bookSession(uow.manager, provider, startsAt, endsAt);
        if (result.ok) return result.slot;
      }
    }
    throw conflict('no-free-slot', `${provider.name} has no free ${minutes}-minute session time in the next ${this.config.REBOOK_SEARCH_DAYS} days`);
  }

  private async clashes(uow: UnitOfWork, old: AppointmentEntity, startsAt: Date, endsAt: Date): Promise<boolean> {
    const rows = await uow.manager.query(
      `SELECT 1 FROM appointment WHERE referral_id = $1 AND id <> $2 AND status = 'booked' AND starts_at < $4 AND ends_at > $3 LIMIT 1`,
      [old.referralId, old.id, startsAt, endsAt],
    );
    return rows.length > 0;
  }

  private async checkNoClash(uow: UnitOfWork, old: AppointmentEntity, startsAt: Date, endsAt: Date): Promise<void> {
    if (await this.clashes(uow, old, startsAt, endsAt)) {
      throw conflict('clashes-with-appointment', `The person already has an appointment overlapping ${startsAt.toISOString()}–${endsAt.toISOString()}`);
    }
  }

  private async takeSession(uow: UnitOfWork, provider: Provider, startsAt: Date, endsAt: Date, what: string): Promise<TakenSlot> {
    const result = await this.slots.bookSession(uow.manager, provider, startsAt, endsAt);
    if (!result.ok) throw conflict('session-full', `${what} at ${startsAt.toISOString()} with ${provider.name} is full (${this.directory.profile(provider.id).courseGroupSize} places)`);
    return result.slot;
  }

  private providerOf(a: AppointmentEntity): Provider {
    const provider = this.directory.find(a.providerId);
    if (!provider) throw conflict('provider-not-in-directory', `Provider ${a.providerId} is no longer in the directory`);
    return provider;
  }

  private checkModality(provider: Provider, modality: string): void {
    if (!this.directory.offers(provider, modality)) {
      throw unprocessable('modality-not-offered', `${provider.name} does not offer ${modality} appointments (offers ${provider.modalities.join(', ')})`);
    }
  }

  private checkStart(uow: UnitOfWork, startsAt: Date): void {
    if (startsAt.getUTCSeconds() !== 0 || startsAt.getUTCMilliseconds() !== 0) {
      throw unprocessable('start-not-on-the-minute', 'startsAt must be a whole minute (seconds 00)');
    }
    const notBefore = new Date(uow.now.getTime() + this.leadMs);
    if (startsAt.getTime() < notBefore.getTime()) {
      throw unprocessable('start-in-past', `Sessions must start at least ${this.config.BOOKING_LEAD_MINUTES} minutes from now (${notBefore.toISOString()})`);
    }
  }

  private checkHours(provider: Provider, startsAt: Date, endsAt: Date, what: string): void {
    if (!fitsOpeningHours(provider, startsAt, endsAt)) {
      const { date, time } = ukWallClock(startsAt);
      throw unprocessable('outside-opening-hours',
        `${what} (${date} ${time} Europe/London, ${Math.round((endsAt.getTime() - startsAt.getTime()) / 60_000)} minutes) is outside ${provider.name}'s hours: ${describeHours(provider, date)}`);
    }
  }
}
