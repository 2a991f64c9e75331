import { Inject, Injectable } from '@nestjs/common';
import { entityRowsInsert, SERVICE_CONFIG, type RowsInsert } from '@ddp/platform';
import { randomUUID } from 'node:crypto';
import { In, type EntityManager } from 'typeorm';
import { notFound } from '../common/api-error';
import type { UnitOfWork } from '../common/unit-of-work';
import { assessmentDeadlineJobId, attendanceReminderJobId, JOB_NAMES } from '../jobs/scheduling-jobs';
import type { ProviderSchedulingConfig } from '../provider-scheduling.config';
import { isUuid } from '../referrals/referral-lifecycle';
import { SlotBooking, type TakenSlot } from '../slots/slot-booking.service';
import { AppointmentEntity, type AppointmentKind } from './appointment.entity';

export interface NewAppointment {
  referralId: string;
  kind: AppointmentKind;
  providerId: string;
  modality: string;
  slot: TakenSlot;
  courseId?: string | null;
  sessionNumber?: number | null;
  deadline?: Date | null;
  supersedesId?: string | null;
  /** Set when the new appointment's id must be known before it is written (supersession). */
  id?: string;
}

export interface Supersession {
  by: string;
  requestedBy: string;
  reason: string;
}

/** Appointment rows: created, superseded and cancelled here, never overwritten in place. */
@Injectable()
export class AppointmentStore {
  constructor(
    @Inject(SlotBooking) private readonly slots: SlotBooking,
    @Inject(SERVICE_CONFIG) private readonly config: ProviderSchedulingConfig,
  ) {}

  private get reminderMs(): number {
    return this.config.ATTENDANCE_REMINDER_HOURS * 3_600_000;
  }

  async create(uow: UnitOfWork, a: NewAppointment): Promise<AppointmentEntity> {
    const row = this.row(uow, a);
    await uow.manager.insert(AppointmentEntity, row);
    this.planJobs(uow, row);
    return row;
  }

  /** Several new appointments (a batch of bookings) for the caller's statement (writeTogether); their jobs are planned now. */
  rowsInsert(uow: UnitOfWork, rows: AppointmentEntity[]): RowsInsert {
    for (const row of rows) this.planJobs(uow, row);
    return entityRowsInsert(uow.manager, AppointmentEntity, rows);
  }

  /** The row of a new, booked appointment (not written yet). */
  row(uow: UnitOfWork, a: NewAppointment): AppointmentEntity {
    return {
      id: a.id ?? randomUUID(),
      referralId: a.referralId,
      kind: a.kind,
      providerId: a.providerId,
      courseId: a.courseId ?? null,
      sessionNumber: a.sessionNumber ?? null,
      slotId: a.slot.slotId,
      countedWeek: a.slot.countedWeek,
      startsAt: a.slot.startsAt,
      endsAt: a.slot.endsAt,
      modality: a.modality,
      status: 'booked',
      deadline: a.deadline ?? null,
      bookedAt: uow.now,
      bookedBy: uow.actor,
      supersedesId: a.supersedesId ?? null,
      supersededById: null,
      supersededAt: null,
      supersededBy: null,
      requestedBy: null,
      supersedeReason: null,
      cancelledAt: null,
      cancelledBy: null,
      cancelReason: null,
      reminderSentAt: null,
      createdAt: uow.now,
    };
  }

  /** The deadline job of an assessment, the attendance reminder of a session. */
  planJobs(uow: UnitOfWork, a: AppointmentEntity): void {
    if (a.kind === 'assessment' && a.deadline) {
      uow.jobs.schedule({ name: JOB_NAMES.assessmentDeadline, jobId: assessmentDeadlineJobId(a.id), appointmentId: a.id, referralId: a.referralId, dueAt: a.deadline });
    }
    if (a.kind === 'session') {
      uow.jobs.schedule({
        name: JOB_NAMES.attendanceReminder, jobId: attendanceReminderJobId(a.id), appointmentId: a.id, referralId: a.referralId,
        dueAt: new Date(a.endsAt.getTime() + this.reminderMs),
      });
    }
  }

  cancelJobs(uow: UnitOfWork, a: AppointmentEntity): void {
    uow.jobs.cancel(a.kind === 'assessment' ? assessmentDeadlineJobId(a.id) : attendanceReminderJobId(a.id));
  }

  /**
   * Marks `old` as superseded by `newId` (kept, with who moved it, who asked and why). A
   * booked appointment gives its place back; a missed one keeps its status (it happened).
   * Must run before the new appointment is inserted (one current appointment per session).
   */
  async supersede(uow: UnitOfWork, old: AppointmentEntity, newId: string, s: Supersession): Promise<void> {
    const wasBooked = old.status === 'booked';
    const patch: Partial<AppointmentEntity> = {
      supersededById: newId, supersededAt: uow.now, supersededBy: uow.actor, requestedBy: s.requestedBy, supersedeReason: s.reason,
      ...(wasBooked ? { status: 'superseded' as const } : {}),
    };
    await uow.manager.update(AppointmentEntity, { id: old.id }, patch);
    Object.assign(old, patch);
    if (wasBooked) {
      await this.slots.releaseSlot(uow.manager, old.slotId);
      this.cancelJobs(uow, old);
    }
  }

  /** Cancels every booked appointment of a referral (withdrawal, review closed); returns them. */
  async cancelOpen(uow: UnitOfWork, referralId: string, reason: string, options: { releaseWeek: boolean }): Promise<AppointmentEntity[]> {
    const open = await uow.manager.find(AppointmentEntity, { where: { referralId, status: 'booked' }, order: { startsAt: 'ASC' }, lock: { mode: 'pessimistic_write' } });
    for (const a of open) {
      await uow.manager.update(AppointmentEntity, { id: a.id }, { status: 'cancelled', cancelledAt: uow.now, cancelledBy: uow.actor, cancelReason: reason });
      a.status = 'cancelled';
      await this.slots.releaseSlot(uow.manager, a.slotId);
      // The referral never reached the provider's week: give the weekly place back.
      if (options.releaseWeek && a.countedWeek) await this.slots.releaseWeek(uow.manager, a.providerId, a.countedWeek);
      this.cancelJobs(uow, a);
    }
    return open;
  }

  /** An appointment of `providerId`, or 404 (another provider's appointment is not disclosed). */
  async findForProvider(manager: EntityManager, appointmentId: string, providerId: string): Promise<AppointmentEntity> {
    const a = isUuid(appointmentId) ? await manager.findOne(AppointmentEntity, { where: { id: appointmentId } }) : null;
    if (!a || a.providerId !== providerId) throw notFound('appointment-not-found', `No appointment ${appointmentId} with provider ${providerId}`);
    return a;
  }

  async lock(manager: EntityManager, appointmentId: string): Promise<AppointmentEntity> {
    return manager.findOneOrFail(AppointmentEntity, { where: { id: appointmentId }, lock: { mode: 'pessimistic_write' } });
  }

  /** The current appointment of each session of a course (the head of each supersession chain). */
  async currentSessions(manager: EntityManager, courseId: string): Promise<AppointmentEntity[]> {
    const rows = await manager.find(AppointmentEntity, { where: { courseId, kind: 'session' }, order: { sessionNumber: 'ASC', createdAt: 'ASC' } });
    return rows.filter((a) => a.supersededById === null && a.status !== 'cancelled');
  }

  async byIds(manager: EntityManager, ids: string[]): Promise<AppointmentEntity[]> {
    return ids.length ? manager.find(AppointmentEntity, { where: { id: In(ids) } }) : [];
  }
}
