import { Inject, Injectable } from '@nestjs/common';
import { addDays, endOfUkDay, isTerminal, startOfUkDay, ukLocalDate, type Provider } from '@ddp/domain';
import { Clock } from '@ddp/platform';
import { DataSource, In, type EntityManager } from 'typeorm';
import { AppointmentEntity } from '../appointments/appointment.entity';
import { AppointmentStore } from '../appointments/appointment-store';
import { AssessmentRecordEntity } from '../appointments/assessment-record.entity';
import { AttendanceEntity } from '../appointments/attendance.entity';
import { AssessmentService } from '../assessments/assessment.service';
import { conflict, notFound, unprocessable } from '../common/api-error';
import { Transactions } from '../common/transactions';
import { CourseEntity } from '../courses/course.entity';
import { CourseService } from '../courses/course.service';
import { ProviderDirectory } from '../providers/provider-directory';
import { isUuid, ReferralLifecycle } from '../referrals/referral-lifecycle';
import { ReferralStatusChangeEntity } from '../referrals/referral-status-change.entity';
import { SchedulingReferralEntity } from '../referrals/scheduling-referral.entity';
import { SlotBooking } from '../slots/slot-booking.service';
import type {
  AssessmentOutcomeBody, AttendanceBody, BookAssessmentBody, BookCourseBody, DeferCourseBody, ListAppointmentsQuery, ListReferralsQuery, RescheduleBody, SlotsQuery,
} from './dto';
import {
  appointmentView, assessmentRecordView, attendanceView, courseView, providerView, referralView, statusChangeView,
} from './views';

/** Reads a query bound: a UK date (its first or last instant) or an instant. */
function bound(value: string | undefined, end: boolean): Date | undefined {
  if (!value) return undefined;
  return value.length === 10 ? (end ? endOfUkDay(value) : startOfUkDay(value)) : new Date(value);
}

/**
 * The provider API's operations: each write runs in one transaction (referral row lock
 * first), answers a refusal with a 4xx and a code, and changes nothing when refused.
 */
@Injectable()
export class ProviderApiService {
  constructor(
    @Inject(Clock) private readonly clock: Clock,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ProviderDirectory) private readonly directory: ProviderDirectory,
    @Inject(Transactions) private readonly tx: Transactions,
    @Inject(ReferralLifecycle) private readonly lifecycle: ReferralLifecycle,
    @Inject(AppointmentStore) private readonly appointments: AppointmentStore,
    @Inject(AssessmentService) private readonly assessments: AssessmentService,
    @Inject(CourseService) private readonly courses: CourseService,
    @Inject(SlotBooking) private readonly slots: SlotBooking,
  ) {}

  provider(providerId: string): Provider {
    const provider = this.directory.find(providerId);
    if (!provider) throw notFound('provider-not-found', `No provider ${providerId} in the directory (GET /v1/providers lists them)`);
    return provider;
  }

  listProviders() {
    return this.directory.all().map((p) => providerView(p, this.directory.profile(p.id), this.directory.hasEveningSlots(p)));
  }

  getProvider(providerId: string) {
    const p = this.provider(providerId);
    return providerView(p, this.directory.profile(p.id), this.directory.hasEveningSlots(p));
  }

  async freeSlots(providerId: string, query: SlotsQuery) {
    const provider = this.provider(providerId);
    const now = this.clock.now();
    const from = bound(query.from, false) ?? now;
    const to = bound(query.to, true) ?? endOfUkDay(addDays(ukLocalDate(from), 7));
    if (to.getTime() <= from.getTime()) throw unprocessable('empty-range', '`to` must be after `from`');
    if (to.getTime() - from.getTime() > 62 * 86_400_000) throw unprocessable('range-too-long', 'Ask for at most 62 days of slots');
    const slots = await this.tx.run('system:slots', (uow) => this.slots.freeAssessmentSlots(uow.manager, provider, from, to));
    return slots.map((s) => ({ startsAt: s.startsAt.toISOString(), endsAt: s.endsAt.toISOString(), free: s.capacity - s.booked, capacity: s.capacity }));
  }

  async listReferrals(providerId: string, query: ListReferralsQuery) {
    this.provider(providerId);
    const qb = this.dataSource.manager.createQueryBuilder(SchedulingReferralEntity, 'r').where('r.provider_id = :providerId', { providerId });
    if (query.status) qb.andWhere('r.status IN (:...statuses)', { statuses: query.status.split(',') });
    const from = bound(query.from, false);
    const to = bound(query.to, true);
    if (from) qb.andWhere('r.encounter_at >= :from', { from });
    if (to) qb.andWhere('r.encounter_at <= :to', { to });
    const rows = await qb.orderBy('r.encounter_at', 'DESC').addOrderBy('r.referral_id', 'ASC').take(query.limit ?? 100).getMany();
    return rows.map(referralView);
  }

  async getReferral(providerId: string, referralId: string) {
    this.provider(providerId);
    const m = this.dataSource.manager;
    const referral = await m.findOneBy(SchedulingReferralEntity, { referralId });
    if (!referral || referral.providerId !== providerId) throw notFound('referral-not-found', `No referral ${referralId} is held by provider ${providerId}`);
    const [appointments, courses, history, attendance, records] = await Promise.all([
      m.find(AppointmentEntity, { where: { referralId }, order: { createdAt: 'ASC', startsAt: 'ASC' } }),
      m.find(CourseEntity, { where: { referralId }, order: { bookedAt: 'ASC' } }),
      m.find(ReferralStatusChangeEntity, { where: { referralId }, order: { id: 'ASC' } }),
      m.find(AttendanceEntity, { where: { referralId } }),
      m.find(AssessmentRecordEntity, { where: { referralId } }),
    ]);
    return {
      ...referralView(referral),
      appointments: appointments.map(appointmentView),
      courses: courses.map(courseView),
      assessments: records.map((r) => ({ appointmentId: r.appointmentId, ...assessmentRecordView(r) })),
      attendance: attendance.map(attendanceView),
      history: history.map(statusChangeView),
    };
  }

  async listAppointments(providerId: string, query: ListAppointmentsQuery) {
    this.provider(providerId);
    const qb = this.dataSource.manager.createQueryBuilder(AppointmentEntity, 'a').where('a.provider_id = :providerId', { providerId });
    if (query.status) qb.andWhere('a.status IN (:...statuses)', { statuses: query.status.split(',') });
    if (query.kind) qb.andWhere('a.kind = :kind', { kind: query.kind });
    const from = bound(query.from, false);
    const to = bound(query.to, true);
    if (from) qb.andWhere('a.starts_at >= :from', { from });
    if (to) qb.andWhere('a.starts_at <= :to', { to });
    const rows = await qb.orderBy('a.starts_at', 'ASC').addOrderBy('a.id', 'ASC').take(query.limit ?? 100).getMany();
    return rows.map(appointmentView);
  }

  async getAppointment(providerId: string, appointmentId: string) {
    this.provider(providerId);
    const m = this.dataSource.manager;
    const a = await this.appointments.findForProvider(m, appointmentId, providerId);
    return this.appointmentDetail(m, a);
  }

  async getCourse(providerId: string, courseId: string) {
    this.provider(providerId);
    const m = this.dataSource.manager;
    const course = await this.findCourse(m, providerId, courseId);
    const sessions = await m.find(AppointmentEntity, { where: { courseId: course.id }, order: { sessionNumber: 'ASC', createdAt: 'ASC' } });
    const attendance = await m.find(AttendanceEntity, { where: { courseId: course.id } });
    return { ...courseView(course), sessions: sessions.map(appointmentView), attendance: attendance.map(attendanceView) };
  }

  async bookAssessment(providerId: string, referralId: string, actor: string, body: BookAssessmentBody) {
    this.provider(providerId);
    return this.tx.http(actor, async (uow) => {
      const referral = await this.lifecycle.lockForProvider(uow.manager, referralId, providerId);
      const appointment = await this.assessments.bookByProvider(uow, referral, { startsAt: body.startsAt ? new Date(body.startsAt) : undefined, modality: body.modality });
      return appointmentView(appointment);
    });
  }

  async recordAssessmentOutcome(providerId: string, appointmentId: string, actor: string, body: AssessmentOutcomeBody) {
    this.provider(providerId);
    if (body.outcome === 'completed' && body.absenceClass) {
      throw unprocessable('absence-class-not-allowed', 'absenceClass applies only to a missed assessment');
    }
    return this.tx.http(actor, async (uow) => {
      const { referral, appointment } = await this.lockAppointment(uow.manager, providerId, appointmentId);
      const record = await this.assessments.recordOutcome(uow, referral, appointment, body);
      return { ...appointmentView(appointment), assessment: assessmentRecordView(record), referralStatus: referral.status };
    });
  }

  async bookCourse(providerId: string, referralId: string, actor: string, body: BookCourseBody) {
    const provider = this.provider(providerId);
    return this.tx.http(actor, async (uow) => {
      const referral = await this.lifecycle.lockForProvider(uow.manager, referralId, providerId);
      const { course, sessions } = await this.courses.bookCourse(uow, referral, provider, { startsAt: new Date(body.startsAt), modality: body.modality });
      return { ...courseView(course), sessions: sessions.map(appointmentView), referralStatus: referral.status };
    });
  }

  async recordAttendance(providerId: string, appointmentId: string, actor: string, body: AttendanceBody) {
    this.provider(providerId);
    return this.tx.http(actor, async (uow) => {
      const { referral, appointment } = await this.lockAppointment(uow.manager, providerId, appointmentId);
      const row = await this.courses.recordAttendance(uow, referral, appointment, body);
      return { ...appointmentView(appointment), attendance: attendanceView(row), referralStatus: referral.status };
    });
  }

  async reschedule(providerId: string, appointmentId: string, actor: string, body: RescheduleBody) {
    const provider = this.provider(providerId);
    return this.tx.http(actor, async (uow) => {
      const { referral, appointment: old } = await this.lockAppointment(uow.manager, providerId, appointmentId);
      if (old.supersededById) throw conflict('appointment-already-moved', `Appointment ${old.id} was already moved to ${old.supersededById}`);
      if (old.status === 'cancelled') throw conflict('appointment-not-open', `Appointment ${old.id} was cancelled (${old.cancelReason ?? 'no reason'})`);
      if (['completed', 'attended', 'late'].includes(old.status)) throw conflict('appointment-already-held', `Appointment ${old.id} was held (${old.status}): it cannot be moved`);
      if (isTerminal(referral.status)) throw conflict('referral-closed', `The referral is ${referral.status}`);
      const startsAt = body.startsAt ? new Date(body.startsAt) : undefined;
      if (startsAt && startsAt.getTime() === old.startsAt.getTime() && old.status === 'booked') {
        throw unprocessable('same-time', 'The appointment is already at that time');
      }
      const why = { requestedBy: body.requestedBy, reason: body.reason };
      let replacement: AppointmentEntity;
      if (old.kind === 'assessment') {
        this.lifecycle.next(referral, { type: 'rebooked' }); // 409 before anything is written
        const modality = body.modality ?? old.modality;
        if (!this.directory.offers(provider, modality)) {
          throw unprocessable('modality-not-offered', `${provider.name} does not offer ${modality} appointments (offers ${provider.modalities.join(', ')})`);
        }
        // The new place is taken first, then the old one is given back (AssessmentService.replace).
        const slot = await this.assessments.takeAssessmentSlot(uow, provider, startsAt, false);
        replacement = await this.assessments.replace(uow, referral, old, slot, modality, why);
      } else {
        replacement = await this.courses.rescheduleSession(uow, referral, old, { startsAt, modality: body.modality, ...why });
      }
      return { superseded: appointmentView(old), appointment: appointmentView(replacement), referralStatus: referral.status };
    });
  }

  async deferCourse(providerId: string, courseId: string, actor: string, body: DeferCourseBody) {
    this.provider(providerId);
    return this.tx.http(actor, async (uow) => {
      const found = await this.findCourse(uow.manager, providerId, courseId);
      const referral = await this.lifecycle.lockForProvider(uow.manager, found.referralId, providerId);
      const course = await uow.manager.findOneOrFail(CourseEntity, { where: { id: found.id }, lock: { mode: 'pessimistic_write' } });
      const moved = await this.courses.deferCourse(uow, referral, course, { startsAt: new Date(body.startsAt), requestedBy: body.requestedBy, reason: body.reason });
      return { courseId: course.id, sessions: moved.map(appointmentView), referralStatus: referral.status };
    });
  }

  private async lockAppointment(manager: EntityManager, providerId: string, appointmentId: string) {
    const found = await this.appointments.findForProvider(manager, appointmentId, providerId);
    const referral = await this.lifecycle.lock(manager, found.referralId);
    if (!referral) throw notFound('referral-not-found', `The referral of appointment ${appointmentId} is unknown`);
    const appointment = await this.appointments.lock(manager, appointmentId);
    return { referral, appointment };
  }

  private async findCourse(manager: EntityManager, providerId: string, courseId: string): Promise<CourseEntity> {
    const course = isUuid(courseId) ? await manager.findOneBy(CourseEntity, { id: courseId }) : null;
    if (!course || course.providerId !== providerId) throw notFound('course-not-found', `No course ${courseId} with provider ${providerId}`);
    return course;
  }

  private async appointmentDetail(m: EntityManager, a: AppointmentEntity) {
    // The whole supersession chain, oldest first, so the history of moves is visible.
    const chain: AppointmentEntity[] = [a];
    for (let cur = a; cur.supersedesId; ) {
      const prev = await m.findOneBy(AppointmentEntity, { id: cur.supersedesId });
      if (!prev) break;
      chain.unshift(prev);
      cur = prev;
    }
    for (let cur = a; cur.supersededById; ) {
      const next = await m.findOneBy(AppointmentEntity, { id: cur.supersededById });
      if (!next) break;
      chain.push(next);
      cur = next;
    }
    const ids = chain.map((c) => c.id);
    const [records, attendance] = await Promise.all([
      m.find(AssessmentRecordEntity, { where: { appointmentId: In(ids) } }),
      m.find(AttendanceEntity, { where: { appointmentId: In(ids) } }),
    ]);
    const record = records.find((r) => r.appointmentId === a.id);
    const mark = attendance.find((r) => r.appointmentId === a.id);
    return {
      ...appointmentView(a),
      assessment: record ? assessmentRecordView(record) : null,
      attendance: mark ? attendanceView(mark) : null,
      history: chain.map(appointmentView),
    };
  }
}
