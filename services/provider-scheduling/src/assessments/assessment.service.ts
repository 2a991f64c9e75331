import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import {
  AppointmentRescheduled, AssessmentCompleted, AssessmentEscalated, AssessmentMissed, AssessmentScheduled, AttendanceOverdue, type ModalityValue, type ReferralCreatedData,
} from '@ddp/contracts';
import { addDays, endOfUkDay, isTerminal, ukLocalDate, type Provider } from '@ddp/domain';
import { entityRowsInsert, SERVICE_CONFIG, writeTogether } from '@ddp/platform';
import { randomUUID } from 'node:crypto';
import { In, IsNull } from 'typeorm';
import { AppointmentEntity } from '../appointments/appointment.entity';
import { AppointmentStore } from '../appointments/appointment-store';
import { AssessmentRecordEntity } from '../appointments/assessment-record.entity';
import { conflict, unprocessable } from '../common/api-error';
import { Transactions } from '../common/transactions';
import type { UnitOfWork } from '../common/unit-of-work';
import { JOB_NAMES, SchedulingJobs, type JobOutcome } from '../jobs/scheduling-jobs';
import type { ProviderSchedulingConfig } from '../provider-scheduling.config';
import { describeHours, weekStartOf } from '../providers/opening-hours';
import { ProviderDirectory } from '../providers/provider-directory';
import { ReferralLifecycle } from '../referrals/referral-lifecycle';
import { SchedulingReferralEntity } from '../referrals/scheduling-referral.entity';
import { allocateEarliest, type FreeSlot } from '../slots/slot-allocation';
import { SlotBooking, type SlotFailure } from '../slots/slot-booking.service';
import { ReferralStatusChangeEntity } from '../referrals/referral-status-change.entity';
import { CapacityWatch } from '../worklists/capacity-watch';

/** Why an assessment could not be booked before its deadline (AssessmentEscalated.reason). */
export const ESCALATION_REASONS = {
  noProvider: 'no-provider-for-area',
  noSlot: 'no-slot-before-deadline',
  weeklyCapacity: 'provider-weekly-capacity-reached',
  deadlinePassed: 'deadline-already-passed',
  noSlotForRebooking: 'no-slot-for-rebooking',
  unknownScheme: 'unknown-scheme',
} as const;

export interface RecordOutcomeInput {
  outcome: 'completed' | 'missed';
  supportPlanSummary?: string;
  absenceClass?: 'acceptable' | 'logistics' | 'unacceptable';
  notes?: string;
}

/**
 * The telephone assessment: booked on ReferralCreated before the scheme's deadline (or
 * escalated), recorded by the provider, and marked missed by the deadline job when nothing
 * was recorded in time.
 */
@Injectable()
export class AssessmentService implements OnModuleInit {
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ProviderSchedulingConfig,
    @Inject(ProviderDirectory) private readonly directory: ProviderDirectory,
    @Inject(SlotBooking) private readonly slots: SlotBooking,
    @Inject(AppointmentStore) private readonly appointments: AppointmentStore,
    @Inject(ReferralLifecycle) private readonly lifecycle: ReferralLifecycle,
    @Inject(SchedulingJobs) private readonly jobs: SchedulingJobs,
    @Inject(Transactions) private readonly tx: Transactions,
    @Inject(CapacityWatch) private readonly capacity: CapacityWatch,
  ) {}

  onModuleInit(): void {
    this.jobs.register(JOB_NAMES.assessmentDeadline, (data) => this.onDeadline(data.appointmentId));
  }

  private get leadMs(): number {
    return this.config.BOOKING_LEAD_MINUTES * 60_000;
  }

  /** ReferralCreated: keep the referral, then book its assessment (once, however often the event comes). */
  async onReferralCreated(uow: UnitOfWork, data: ReferralCreatedData, correlationId: string): Promise<void> {
    const inserted = await uow.manager.query(
      `INSERT INTO scheduling_referral (referral_id, short_ref, person_ref, scheme_id, area, age_band, offence_type, encounter_at,
         assessment_deadline, provider_id, status, correlation_id, received_at, updated_at, officer_collar_number)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'referred', $11, $12, $12, $13)
       ON CONFLICT (referral_id) DO NOTHING RETURNING referral_id`,
      [data.referralId, data.shortRef, data.personRef, data.schemeId, data.area, data.ageBand, data.offenceType, new Date(data.encounterAt),
        new Date(data.assessmentDeadline), data.providerId ?? null, correlationId, uow.now, data.officerCollarNumber],
    );
    if (inserted.length === 0) return; // already received (another ReferralCreated for the same referral)
    const referral = await uow.manager.findOneByOrFail(SchedulingReferralEntity, { referralId: data.referralId });
    await uow.manager.query(
      `INSERT INTO referral_status_change (referral_id, from_status, to_status, lifecycle_event, at, by) VALUES ($1, NULL, 'referred', 'received', $2, $3)`,
      [referral.referralId, uow.now, uow.actor],
    );
    await this.bookInitial(uow, referral, data.providerId);
  }

  /**
   * A run of ReferralCreated (a Kafka batch): the same result as onReferralCreated for each,
   * in a handful of statements. Referrals whose first-choice provider has a slot are booked
   * together (one allocation per provider, written with one statement per table); the rest
   * (an unknown scheme, no provider, a deadline passed, no slot with the first choice) then
   * go through bookInitial one by one, in the same transaction. When another transaction
   * took the allocated places meanwhile this throws, and the consumer takes the events one
   * by one instead.
   */
  async onReferralsCreated(items: Array<{ uow: UnitOfWork; data: ReferralCreatedData; correlationId: string }>): Promise<void> {
    if (items.length === 0) return;
    const { manager, now, actor } = items[0].uow;
    const columns = {
      id: items.map((i) => i.data.referralId), shortRef: items.map((i) => i.data.shortRef), personRef: items.map((i) => i.data.personRef),
      scheme: items.map((i) => i.data.schemeId), area: items.map((i) => i.data.area), ageBand: items.map((i) => i.data.ageBand),
      offence: items.map((i) => i.data.offenceType), encounterAt: items.map((i) => i.data.encounterAt), deadline: items.map((i) => i.data.assessmentDeadline),
      provider: items.map((i) => i.data.providerId ?? null), correlation: items.map((i) => i.correlationId),
      officer: items.map((i) => i.data.officerCollarNumber),
    };
    // The new referrals and their first status row ('received') in one statement.
    const inserted: Array<{ referral_id: string }> = await manager.query(
      `WITH received AS (
         INSERT INTO scheduling_referral (referral_id, short_ref, person_ref, scheme_id, area, age_band, offence_type, encounter_at,
           assessment_deadline, provider_id, status, correlation_id, received_at, updated_at, officer_collar_number)
         SELECT v.id, v.short_ref, v.person_ref, v.scheme, v.area, v.age_band, v.offence, v.encounter_at, v.deadline, v.provider, 'referred', v.correlation, $12, $12, v.officer
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[], $9::timestamptz[], $10::text[], $11::text[], $14::text[])
             AS v(id, short_ref, person_ref, scheme, area, age_band, offence, encounter_at, deadline, provider, correlation, officer)
         ON CONFLICT (referral_id) DO NOTHING RETURNING referral_id
       ), noted AS (
         INSERT INTO referral_status_change (referral_id, from_status, to_status, lifecycle_event, at, by, detail)
         SELECT referral_id, NULL, 'referred', 'received', $12, $13, NULL FROM received
       )
       SELECT referral_id FROM received`,
      [columns.id, columns.shortRef, columns.personRef, columns.scheme, columns.area, columns.ageBand, columns.offence, columns.encounterAt,
        columns.deadline, columns.provider, columns.correlation, now, actor, columns.officer],
    );
    // Already received ones (a repeated ReferralCreated) are left alone, as onReferralCreated does.
    const isNew = new Set(inserted.map((r) => r.referral_id));
    const fresh = items.filter((i) => isNew.delete(i.data.referralId));
    if (fresh.length === 0) return;
    const referrals = fresh.map(({ data, correlationId }): SchedulingReferralEntity => ({
      referralId: data.referralId, shortRef: data.shortRef, personRef: data.personRef, schemeId: data.schemeId, area: data.area, ageBand: data.ageBand,
      offenceType: data.offenceType, encounterAt: new Date(data.encounterAt), assessmentDeadline: new Date(data.assessmentDeadline), providerId: data.providerId ?? null,
      status: 'referred', escalationReason: null, escalatedAt: null, correlationId, receivedAt: now, updatedAt: now, withdrawnAt: null, withdrawnBy: null, withdrawalReason: null,
      officerCollarNumber: data.officerCollarNumber,
    }));

    // Group by first-choice provider; whatever cannot take the common path goes one by one.
    const notBefore = new Date(now.getTime() + this.leadMs);
    const byProvider = new Map<string, { provider: Provider; indexes: number[] }>();
    const oneByOne: number[] = [];
    referrals.forEach((referral, index) => {
      const candidates = this.directory.scheme(referral.schemeId)
        ? this.directory.candidatesFor({ area: referral.area, ageBand: referral.ageBand, schemeId: referral.schemeId, at: referral.encounterAt, preferredProviderId: fresh[index].data.providerId })
        : [];
      const first = candidates[0];
      if (!first || referral.assessmentDeadline.getTime() <= notBefore.getTime() || !this.directory.offers(first, this.config.ASSESSMENT_MODALITY)) {
        oneByOne.push(index);
        return;
      }
      const group = byProvider.get(first.id) ?? { provider: first, indexes: [] };
      group.indexes.push(index);
      byProvider.set(first.id, group);
    });

    // Every provider's free places read, allocated in memory and taken with a few statements for the whole run.
    const groups = [...byProvider.values()].sort((a, b) => (a.provider.id < b.provider.id ? -1 : 1));
    const capacities = await this.slots.freeAssessmentCapacities(manager, groups.map(({ provider, indexes }) => ({
      provider, notBefore, notAfter: new Date(Math.max(...indexes.map((i) => referrals[i].assessmentDeadline.getTime()))),
    })));
    const allocations = groups.map(({ provider, indexes }) => {
      const { slots, weekTaken } = capacities.get(provider.id)!;
      return { provider, indexes, allocation: allocateEarliest(indexes.map((i) => ({ notBefore, deadline: referrals[i].assessmentDeadline })), slots, weekTaken, this.directory.profile(provider.id).weeklyCapacity) };
    });
    if (!(await this.slots.takeAllocations(manager, allocations, true))) {
      throw new Error(`assessment places with ${groups.map((g) => g.provider.id).join(', ')} were taken by another booking meanwhile; booking one by one`);
    }
    const booked: Array<{ index: number; provider: Provider; slot: FreeSlot }> = [];
    for (const { provider, indexes, allocation } of allocations) {
      allocation.slots.forEach((slot, k) => (slot ? booked.push({ index: indexes[k], provider, slot }) : oneByOne.push(indexes[k])));
    }

    if (booked.length > 0) {
      const appointments = booked.map(({ index, provider, slot }) =>
        this.appointments.row(fresh[index].uow, {
          referralId: referrals[index].referralId, kind: 'assessment', providerId: provider.id, modality: this.config.ASSESSMENT_MODALITY,
          slot: { slotId: slot.id, startsAt: slot.startsAt, endsAt: slot.endsAt, countedWeek: weekStartOf(slot.localDate) }, deadline: referrals[index].assessmentDeadline,
        }),
      );
      const moves = booked.map(({ index }) => ({ referral: referrals[index], to: this.lifecycle.next(referrals[index], { type: 'assessment-scheduled' }) }));
      // The appointments, the referrals' new status and its history rows: one statement.
      await writeTogether(manager, [
        this.appointments.rowsInsert(fresh[0].uow, appointments),
        (bind) => `UPDATE scheduling_referral r SET provider_id = v.provider, status = v.status, escalation_reason = NULL, updated_at = ${bind(now)}
           FROM unnest(${bind(moves.map((m) => m.referral.referralId))}::text[], ${bind(booked.map((b) => b.provider.id))}::text[], ${bind(moves.map((m) => m.to))}::text[])
             AS v(id, provider, status) WHERE r.referral_id = v.id`,
        entityRowsInsert(manager, ReferralStatusChangeEntity, moves.map((m, k) => ({
          referralId: m.referral.referralId, fromStatus: m.referral.status, toStatus: m.to, lifecycleEvent: 'assessment-scheduled', at: now, by: actor, detail: `appointment ${appointments[k].id}`,
        }) as ReferralStatusChangeEntity)),
      ]);
      for (const [k, { index, provider }] of booked.entries()) {
        const referral = referrals[index];
        Object.assign(referral, { providerId: provider.id, escalationReason: null, status: moves[k].to, updatedAt: now });
        await this.publishScheduled(fresh[index].uow, referral, appointments[k]);
      }
      await this.capacity.afterBooking(manager, booked.map((b) => b.provider.id));
    }
    // In arrival order: an earlier referral gets the earlier of the slots left.
    for (const index of oneByOne.sort((a, b) => a - b)) await this.bookInitial(fresh[index].uow, referrals[index], fresh[index].data.providerId);
  }

  /**
   * The earliest free telephone slot that ends by the deadline, with the provider chosen at
   * intake or routing's next best; escalation (never a silent late booking) when none fits.
   */
  async bookInitial(uow: UnitOfWork, referral: SchedulingReferralEntity, preferredProviderId?: string): Promise<void> {
    const deadline = referral.assessmentDeadline;
    if (!this.directory.scheme(referral.schemeId)) {
      return this.escalate(uow, referral, null, ESCALATION_REASONS.unknownScheme, `scheme ${referral.schemeId} is not in the rule tables`);
    }
    const candidates = this.directory.candidatesFor({
      area: referral.area, ageBand: referral.ageBand, schemeId: referral.schemeId, at: referral.encounterAt, preferredProviderId,
    });
    if (candidates.length === 0) {
      return this.escalate(uow, referral, null, ESCALATION_REASONS.noProvider,
        `no provider in the directory serves ${referral.area} / ${referral.ageBand} / ${referral.schemeId}`);
    }
    const notBefore = new Date(uow.now.getTime() + this.leadMs);
    if (deadline.getTime() <= notBefore.getTime()) {
      return this.escalate(uow, referral, candidates[0], ESCALATION_REASONS.deadlinePassed, `the deadline ${deadline.toISOString()} had passed when the referral arrived`);
    }
    const failures: SlotFailure[] = [];
    for (const provider of candidates) {
      if (!this.directory.offers(provider, this.config.ASSESSMENT_MODALITY)) {
        failures.push('no-slot');
        continue;
      }
      const result = await this.slots.bookEarliestAssessment(uow.manager, provider, notBefore, deadline, { countWeek: true });
      if (!result.ok) {
        failures.push(result.reason);
        continue;
      }
      const appointment = await this.appointments.create(uow, {
        referralId: referral.referralId, kind: 'assessment', providerId: provider.id, modality: this.config.ASSESSMENT_MODALITY, slot: result.slot, deadline,
      });
      await this.holdReferral(uow, referral, provider.id);
      await this.lifecycle.move(uow.manager, referral, { type: 'assessment-scheduled' }, uow.actor, uow.now, `appointment ${appointment.id}`);
      await this.publishScheduled(uow, referral, appointment);
      await this.capacity.afterBooking(uow.manager, [provider.id]);
      return;
    }
    const first = failures[0];
    const reason = first === 'weekly-capacity-reached' ? ESCALATION_REASONS.weeklyCapacity : ESCALATION_REASONS.noSlot;
    const detail = first === 'weekly-capacity-reached'
      ? `${candidates[0].name} has taken its ${this.directory.profile(candidates[0].id).weeklyCapacity} referrals this week`
      : `no free telephone slot with ${candidates.map((p) => p.id).join(', ')} between ${notBefore.toISOString()} and ${deadline.toISOString()}`;
    return this.escalate(uow, referral, candidates[0], reason, detail);
  }

  /**
   * The provider books an assessment itself: after an escalation (the referral is 'referred')
   * or after a missed one ('assessment-missed'). At `startsAt` (a slot of its hours) or the
   * earliest free slot. A booking after the scheme deadline is the provider's explicit decision.
   */
  async bookByProvider(uow: UnitOfWork, referral: SchedulingReferralEntity, input: { startsAt?: Date; modality?: ModalityValue }): Promise<AppointmentEntity> {
    const provider = this.directory.find(referral.providerId!)!;
    // Under review, the person may ask for the assessment again (re-engagement): the review stays open until it is held.
    const underReview = referral.status === 'non-compliance-review';
    if (underReview) await this.checkRebookableUnderReview(uow, referral);
    this.lifecycle.next(referral, { type: 'assessment-scheduled' }); // 409 before anything is written
    const modality = input.modality ?? this.config.ASSESSMENT_MODALITY;
    if (!this.directory.offers(provider, modality)) throw unprocessable('modality-not-offered', `${provider.name} does not offer ${modality} appointments (offers ${provider.modalities.join(', ')})`);
    const countWeek = referral.status === 'referred'; // the first booking takes a place of the provider's week
    const slot = await this.takeAssessmentSlot(uow, provider, input.startsAt, countWeek);
    if (referral.escalationReason) await this.holdReferral(uow, referral, provider.id); // the escalation is acted on: off the worklists
    // After a missed assessment the new one supersedes it, so the history stays one chain.
    const missed = referral.status === 'assessment-missed' || underReview
      ? await uow.manager.findOne(AppointmentEntity, { where: { referralId: referral.referralId, kind: 'assessment', status: 'missed', supersededById: IsNull() }, order: { startsAt: 'DESC' } })
      : null;
    if (missed) {
      const why = underReview
        ? { requestedBy: 'person', reason: 'the person asked for the assessment again while the non-compliance review is open' }
        : { requestedBy: 'provider', reason: 'booked again after a missed assessment' };
      return this.replace(uow, referral, missed, slot, modality, why);
    }
    const appointment = await this.appointments.create(uow, {
      referralId: referral.referralId, kind: 'assessment', providerId: provider.id, modality, slot, deadline: this.recordingDeadline(referral, slot.startsAt),
    });
    await uow.manager.update(SchedulingReferralEntity, { referralId: referral.referralId }, { escalationReason: null, updatedAt: uow.now });
    await this.lifecycle.move(uow.manager, referral, { type: 'assessment-scheduled' }, uow.actor, uow.now, `appointment ${appointment.id} booked by the provider`);
    await this.publishScheduled(uow, referral, appointment);
    return appointment;
  }

  /** Under review, an assessment is booked again only when the person was not assessed and has none booked (409 otherwise, before anything is written). */
  private async checkRebookableUnderReview(uow: UnitOfWork, referral: SchedulingReferralEntity): Promise<void> {
    const held = await uow.manager.findOne(AppointmentEntity, { where: { referralId: referral.referralId, kind: 'assessment', status: In(['booked', 'completed']) } });
    if (held?.status === 'completed') {
      throw conflict('assessment-already-completed', `The person was assessed (${held.id}): book the session they ask for with POST .../appointments/:appointmentId/reschedule`);
    }
    if (held) throw conflict('assessment-already-booked', `Assessment ${held.id} is booked at ${held.startsAt.toISOString()}: move it with POST .../appointments/${held.id}/reschedule`);
  }

  /** A slot for a (re)booked assessment: exactly at `startsAt`, or the earliest within REBOOK_SEARCH_DAYS. */
  async takeAssessmentSlot(uow: UnitOfWork, provider: Provider, startsAt: Date | undefined, countWeek: boolean) {
    const notBefore = new Date(uow.now.getTime() + this.leadMs);
    if (startsAt) {
      if (startsAt.getTime() < notBefore.getTime()) {
        throw unprocessable('start-in-past', `The appointment must start at least ${this.config.BOOKING_LEAD_MINUTES} minutes from now (${notBefore.toISOString()})`);
      }
      const result = await this.slots.bookAssessmentAt(uow.manager, provider, startsAt, { countWeek });
      if (result.ok) return result.slot;
      if (result.reason === 'not-a-slot') {
        throw unprocessable('not-an-assessment-slot',
          `${startsAt.toISOString()} is not the start of one of ${provider.name}'s ${provider.assessmentSlotMinutes}-minute assessment slots (phone cover ${describeHours(provider, ukLocalDate(startsAt), provider.phoneAssessmentCover)}, Europe/London)`);
      }
      if (result.reason === 'weekly-capacity-reached') throw conflict('provider-weekly-capacity-reached', `${provider.name} has taken its ${this.directory.profile(provider.id).weeklyCapacity} referrals that week`);
      throw conflict('slot-full', `The ${startsAt.toISOString()} slot with ${provider.name} is fully booked; choose another (GET /v1/providers/${provider.id}/slots)`);
    }
    const until = endOfUkDay(addDays(ukLocalDate(uow.now), this.config.REBOOK_SEARCH_DAYS));
    const result = await this.slots.bookEarliestAssessment(uow.manager, provider, notBefore, until, { countWeek });
    if (result.ok) return result.slot;
    if (result.reason === 'weekly-capacity-reached') throw conflict('provider-weekly-capacity-reached', `${provider.name} has no weekly capacity left in the next ${this.config.REBOOK_SEARCH_DAYS} days`);
    throw conflict('no-free-slot', `${provider.name} has no free assessment slot in the next ${this.config.REBOOK_SEARCH_DAYS} days`);
  }

  /** By when a (re)booked assessment must be recorded: the scheme deadline, or the end of its own UK day if later. */
  recordingDeadline(referral: SchedulingReferralEntity, startsAt: Date): Date {
    const endOfItsDay = endOfUkDay(ukLocalDate(startsAt));
    return endOfItsDay.getTime() > referral.assessmentDeadline.getTime() ? endOfItsDay : referral.assessmentDeadline;
  }

  /** The provider records the assessment: completed (support plan kept here only) or missed. */
  async recordOutcome(uow: UnitOfWork, referral: SchedulingReferralEntity, appointment: AppointmentEntity, input: RecordOutcomeInput): Promise<AssessmentRecordEntity> {
    if (appointment.kind !== 'assessment') {
      throw unprocessable('not-an-assessment', `Appointment ${appointment.id} is a course session: record attendance at /attendance`);
    }
    const existing = await uow.manager.findOneBy(AssessmentRecordEntity, { appointmentId: appointment.id });
    if (existing) {
      throw conflict('outcome-already-recorded', `The assessment ${appointment.id} was already recorded as ${existing.outcome} at ${existing.recordedAt.toISOString()} by ${existing.recordedBy}`);
    }
    if (appointment.status !== 'booked') {
      throw conflict('appointment-not-open', `Appointment ${appointment.id} is ${appointment.status}${appointment.supersededById ? ` (superseded by ${appointment.supersededById})` : ''}`);
    }
    if (uow.now.getTime() < appointment.startsAt.getTime()) {
      throw unprocessable('appointment-in-future', `The assessment starts at ${appointment.startsAt.toISOString()}: it cannot be recorded before then`);
    }
    const event = input.outcome === 'completed' ? ({ type: 'assessment-completed' } as const) : ({ type: 'assessment-missed', absenceClass: input.absenceClass } as const);
    // Under review the record is a fact the outcome service weighs (held inside the window: the re-engagement).
    const underReview = referral.status === 'non-compliance-review';
    if (!underReview) this.lifecycle.next(referral, event); // 409 before anything is written

    const record: AssessmentRecordEntity = {
      appointmentId: appointment.id, referralId: referral.referralId, outcome: input.outcome,
      supportPlanSummary: input.outcome === 'completed' ? input.supportPlanSummary ?? null : null,
      absenceClass: input.outcome === 'missed' ? input.absenceClass ?? null : null,
      notes: input.notes ?? null, detectedBy: 'provider', recordedAt: uow.now, recordedBy: uow.actor,
    };
    await uow.manager.insert(AssessmentRecordEntity, record);
    await uow.manager.update(AppointmentEntity, { id: appointment.id }, { status: input.outcome });
    appointment.status = input.outcome;
    if (underReview) await this.lifecycle.note(uow.manager, referral, event.type, uow.actor, uow.now, `appointment ${appointment.id}, recorded while the review is open`);
    else await this.lifecycle.move(uow.manager, referral, event, uow.actor, uow.now, `appointment ${appointment.id}`);
    this.appointments.cancelJobs(uow, appointment);
    if (input.outcome === 'completed') {
      // The support-plan summary stays in this service: the event says only that it exists.
      await uow.publish(AssessmentCompleted, {
        referralId: referral.referralId, appointmentId: appointment.id, completedAt: uow.now.toISOString(), recordedBy: uow.actor, providerId: appointment.providerId,
      }, referral);
    } else {
      await uow.publish(AssessmentMissed, {
        referralId: referral.referralId, appointmentId: appointment.id, deadline: (appointment.deadline ?? referral.assessmentDeadline).toISOString(),
        detectedBy: 'provider', absenceClass: input.absenceClass, providerId: appointment.providerId, recordedBy: uow.actor,
      }, referral);
    }
    return record;
  }

  /**
   * The deadline job: when nothing was recorded by the deadline, the provider is asked to
   * record what happened (AttendanceOverdue, kind assessment; the appointment shows on the
   * provider's worklist, and on the supervisors' after FOLLOW_UP.unrecordedSupervisorAfterHours).
   * A missing record is not a missed appointment: the appointment stays open and the
   * referral where it was; only the provider's record of a did-not-attend can count against
   * the person. Exactly once: reminder_sent_at is set under the row locks.
   */
  async onDeadline(appointmentId: string): Promise<JobOutcome> {
    return this.tx.run('system:assessment-deadline', async (uow) => {
      const found = await uow.manager.findOneBy(AppointmentEntity, { id: appointmentId });
      if (!found) return 'stray';
      const referral = await this.lifecycle.lock(uow.manager, found.referralId);
      const appointment = await this.appointments.lock(uow.manager, appointmentId);
      if (!referral || appointment.status !== 'booked' || appointment.reminderSentAt || isTerminal(referral.status)) return 'nothing-to-do';
      const deadline = appointment.deadline ?? referral.assessmentDeadline;
      if (uow.now.getTime() < deadline.getTime()) return 'early';
      if (await uow.manager.findOneBy(AssessmentRecordEntity, { appointmentId })) return 'nothing-to-do';
      await uow.manager.update(AppointmentEntity, { id: appointmentId }, { reminderSentAt: uow.now });
      await this.lifecycle.note(uow.manager, referral, 'outcome-not-recorded', uow.actor, uow.now, `nothing recorded by ${deadline.toISOString()}: the provider is asked to record what happened`);
      await uow.publish(AttendanceOverdue, {
        referralId: referral.referralId, appointmentId, providerId: appointment.providerId, kind: 'assessment',
        startsAt: appointment.startsAt.toISOString(), endsAt: appointment.endsAt.toISOString(), overdueSince: deadline.toISOString(),
      }, referral);
      return 'done';
    });
  }

  /**
   * RebookingRequested for a missed assessment: the earliest free slot with the same
   * provider (the deadline has passed: it is a new appointment, not a late one in silence).
   */
  async rebook(uow: UnitOfWork, referral: SchedulingReferralEntity, missed: AppointmentEntity, requestedBy: string, reason: string): Promise<AppointmentEntity | null> {
    const provider = this.directory.find(missed.providerId);
    if (!provider) throw new Error(`provider ${missed.providerId} is no longer in the directory`);
    const notBefore = new Date(uow.now.getTime() + this.leadMs);
    const until = endOfUkDay(addDays(ukLocalDate(uow.now), this.config.REBOOK_SEARCH_DAYS));
    const result = await this.slots.bookEarliestAssessment(uow.manager, provider, notBefore, until, { countWeek: false });
    if (!result.ok) {
      await this.escalate(uow, referral, provider, ESCALATION_REASONS.noSlotForRebooking, `no free slot with ${provider.id} in the next ${this.config.REBOOK_SEARCH_DAYS} days`);
      return null;
    }
    return this.replace(uow, referral, missed, result.slot, missed.modality, { requestedBy, reason });
  }

  /** Supersedes an assessment appointment with a new one in `slot`; publishes AppointmentRescheduled. */
  async replace(uow: UnitOfWork, referral: SchedulingReferralEntity, old: AppointmentEntity, slot: Awaited<ReturnType<AssessmentService['takeAssessmentSlot']>>, modality: string, why: { requestedBy: string; reason: string }): Promise<AppointmentEntity> {
    this.lifecycle.next(referral, { type: 'rebooked' });
    const newId = randomUUID();
    await this.appointments.supersede(uow, old, newId, { by: uow.actor, requestedBy: why.requestedBy, reason: why.reason });
    const replacement = await this.appointments.create(uow, {
      id: newId, referralId: referral.referralId, kind: 'assessment', providerId: old.providerId, modality, slot,
      deadline: this.recordingDeadline(referral, slot.startsAt), supersedesId: old.id,
    });
    await this.lifecycle.move(uow.manager, referral, { type: 'rebooked' }, uow.actor, uow.now, `${old.id} → ${newId}: ${why.reason}`);
    await uow.publish(AppointmentRescheduled, {
      referralId: referral.referralId, supersededAppointmentId: old.id, kind: 'assessment', appointmentId: newId,
      startsAt: replacement.startsAt.toISOString(), endsAt: replacement.endsAt.toISOString(), modality: modality as ModalityValue,
      requestedBy: why.requestedBy, reason: why.reason, cancelledOnly: false, providerId: old.providerId, recordedBy: uow.actor,
      deadline: replacement.deadline!.toISOString(),
    }, referral);
    return replacement;
  }

  private async holdReferral(uow: UnitOfWork, referral: SchedulingReferralEntity, providerId: string): Promise<void> {
    await uow.manager.update(SchedulingReferralEntity, { referralId: referral.referralId }, { providerId, escalationReason: null, updatedAt: uow.now });
    referral.providerId = providerId;
    referral.escalationReason = null;
  }

  private async publishScheduled(uow: UnitOfWork, referral: SchedulingReferralEntity, appointment: AppointmentEntity): Promise<void> {
    await uow.publish(AssessmentScheduled, {
      referralId: referral.referralId, appointmentId: appointment.id, providerId: appointment.providerId,
      startsAt: appointment.startsAt.toISOString(), endsAt: appointment.endsAt.toISOString(), modality: appointment.modality as ModalityValue,
      deadline: (appointment.deadline ?? referral.assessmentDeadline).toISOString(), schemeId: referral.schemeId,
    }, referral);
  }

  private async escalate(uow: UnitOfWork, referral: SchedulingReferralEntity, provider: Provider | null, reason: string, detail: string): Promise<void> {
    const providerId = provider?.id ?? referral.providerId ?? null;
    // A provider that could serve it holds the referral (it shows in their list, to be booked by hand).
    const holder = provider ? provider.id : null;
    await uow.manager.update(SchedulingReferralEntity, { referralId: referral.referralId }, { providerId: holder, escalationReason: reason, escalatedAt: uow.now, updatedAt: uow.now });
    referral.providerId = holder;
    referral.escalationReason = reason;
    await this.lifecycle.note(uow.manager, referral, 'escalated', uow.actor, uow.now, `${reason}: ${detail}`);
    await uow.publish(AssessmentEscalated, {
      referralId: referral.referralId, providerId: providerId && this.directory.find(providerId) ? providerId : undefined,
      deadline: referral.assessmentDeadline.toISOString(), reason, detail: detail.slice(0, 500),
    }, referral);
  }
}
