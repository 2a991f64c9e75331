import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, In, IsNull, type EntityManager } from 'typeorm';
import {
  ComplianceReviewClosed, ComplianceReviewOpened, DiversionCompleted, NoFurtherDiversion, RebookingRequested,
  type AppointmentRescheduledData, type AssessmentCompletedData, type AssessmentMissedData, type AssessmentScheduledData,
  type AttendanceLine, type CourseBookedData, type DiversionRefusedData, type CourseCompletedData, type CourseMissedData, type DataOf, type EventDefinition,
  type EventEnvelope, type ReferralCreatedData, type ReferralDeclinedData, type ReferralWithdrawnData, type SessionAttendedData,
} from '@ddp/contracts';
import {
  assessAttendance, consequenceOfClosedReview, isTerminal, outcomeFor, schemeById, showCauseDeadline, transition, ukLocalDate,
  type AbsenceClass, type LifecycleEvent, type ReferralStatus, type Scheme,
} from '@ddp/domain';
import { Clock, entityRowsInsert, JsonLogger, Outbox, PermanentError, SERVICE_CONFIG, writeTogether } from '@ddp/platform';
import { cellOf, encounterCell, NOT_RECORDED } from '../figures/cells';
import { FiguresService } from '../figures/figures.service';
import type { OutcomeConfig } from '../outcome.config';
import { ComplianceReviewEntity, type ReviewResolutionValue } from '../reviews/compliance-review.entity';
import { ReviewWindowJobs, type ReviewWindowJobData } from '../reviews/review-window.jobs';
import { causeOfEvent, causeOfJob, causeOfRequest, type Cause } from '../shared/cause';
import { iso, lockReferral, lockReferrals, nameUuid, queryRows, SYSTEM_ACTOR } from '../shared/db';
import { crimeOutcomeOf } from '../summons/crime-outcome';
import { SummonsRequestEntity } from '../summons/summons-request.entity';
import { SummonsService } from '../summons/summons.service';
import {
  AttendanceRecordEntity, ReferralCaseEntity, ReferralStatusHistoryEntity,
  type AttendanceKind, type AttendanceMarkValue,
} from './referral-case.entity';

/** Scheduling events this service applies (in stream order per referral). */
export const SCHEDULING_EVENT_TYPES = [
  'AssessmentScheduled', 'AssessmentCompleted', 'AssessmentMissed', 'CourseBooked', 'SessionAttended', 'CourseMissed',
  'CourseCompleted', 'AppointmentRescheduled',
] as const;

interface AttendanceInput {
  appointmentId: string | null;
  kind: AttendanceKind;
  sessionNumber?: number;
  mark: AttendanceMarkValue;
  absenceClass?: string;
  occurredAt: Date;
  isEngagement: boolean;
  countsAsFailure: boolean;
}

const conflict = (code: string, message: string) => new ConflictException({ statusCode: 409, error: 'Conflict', code, message });

/**
 * Each referral's compliance: the attendance record, the lifecycle (libs/domain
 * `transition`), non-compliance reviews and their show-cause windows, and how a diversion
 * ends. Every change runs in one transaction under the referral's lock (lockReferral),
 * with its events staged in the outbox and the figures bumped in the same transaction.
 *
 * The race rule (README): a re-engagement (session attended, assessment completed, course
 * completed) whose OCCURRENCE time is inside the window [missed at, show-cause deadline]
 * excuses the review, whichever is processed first: the event or the window job.
 */
@Injectable()
export class ComplianceService {
  /** Writes held back while a run of events is applied (inOneWrite), by the run's transaction. */
  private readonly pendingWrites = new WeakMap<EntityManager, { history: Array<Omit<ReferralStatusHistoryEntity, 'id'>>; cases: Map<string, ReferralCaseEntity> }>();

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(Outbox) private readonly outbox: Outbox,
    @Inject(FiguresService) private readonly figures: FiguresService,
    @Inject(SummonsService) private readonly summons: SummonsService,
    @Inject(ReviewWindowJobs) private readonly jobs: ReviewWindowJobs,
    @Inject(SERVICE_CONFIG) private readonly config: OutcomeConfig,
    @Inject(JsonLogger) private readonly logger: JsonLogger,
  ) {}

  // ------------------------------------------------------------------ referral topic

  async onReferralCreated(m: EntityManager, e: EventEnvelope<ReferralCreatedData>): Promise<void> {
    await this.onReferralsCreated(m, [e]);
  }

  /**
   * A run of ReferralCreated (one event, or a Kafka batch): the new cases, their first
   * history rows and figure deltas written with one statement each. A referral already
   * known (a second ReferralCreated) is left alone; scheduling events that overtook one
   * (deferred) are applied to it now, in order.
   */
  async onReferralsCreated(m: EntityManager, events: Array<EventEnvelope<ReferralCreatedData>>): Promise<void> {
    const ids = [...new Set(events.map((e) => e.data.referralId))];
    await lockReferrals(m, ids);
    // Under the locks: which referrals are known, and the scheduling events that overtook the others (no order across topics).
    const [seen] = await queryRows<{ known: string[]; deferred: Array<{ id: string; referralId: string; envelope: EventEnvelope }> }>(
      m,
      `SELECT (SELECT coalesce(array_agg(referral_id), '{}') FROM referral_case WHERE referral_id = ANY($1)) AS known,
              (SELECT coalesce(json_agg(json_build_object('id', id::text, 'referralId', referral_id, 'envelope', envelope) ORDER BY id), '[]')
                 FROM deferred_event WHERE referral_id = ANY($1) AND replayed_at IS NULL) AS deferred`,
      [ids],
    );
    const known = new Set(seen.known);
    const now = this.clock.now();
    const created: Array<{ rc: ReferralCaseEntity; e: EventEnvelope<ReferralCreatedData> }> = [];
    for (const e of events) {
      if (known.has(e.data.referralId)) {
        this.note(e.data.referralId, e, 'referral already known; ignored');
        continue;
      }
      // In a batch this rolls the run back; one by one, only this event is dead-lettered.
      if (!schemeById(e.data.schemeId)) throw new PermanentError(`ReferralCreated names unknown scheme '${e.data.schemeId}'`, 'unknown-scheme');
      known.add(e.data.referralId);
      created.push({ rc: this.newCase(e, now), e });
    }
    if (created.length === 0) return;
    const byId = new Map(created.map((c) => [c.rc.referralId, c.rc]));
    const deferred = seen.deferred.filter((d) => byId.has(d.referralId));
    // The cases, their first history rows, the figure deltas and the overtaking events marked replayed: one statement.
    await writeTogether(m, [
      entityRowsInsert(m, ReferralCaseEntity, created.map((c) => c.rc)),
      entityRowsInsert(m, ReferralStatusHistoryEntity, created.map(({ rc, e }) => this.historyRow(rc, null, 'referred', 'referral-created', causeOfEvent(e)))),
      this.figures.deltaRows(created.map(({ rc, e }) => ({
        cell: cellOf(rc),
        deltas: { referrals: 1, quantitiesJudgedByOfficer: e.data.quantityBasis === 'officer-judgement' ? 1 : 0 },
      }))),
      ...(deferred.length ? [(bind: (v: unknown) => string) => `UPDATE deferred_event SET replayed_at = ${bind(now)} WHERE id = ANY(${bind(deferred.map((d) => d.id))}::bigint[])`] : []),
    ]);
    // Apply the overtaking events now, in order.
    if (deferred.length) {
      await this.inOneWrite(m, async () => {
        for (const row of deferred) await this.apply(m, byId.get(row.referralId)!, row.envelope);
      });
    }
  }

  private newCase(e: EventEnvelope<ReferralCreatedData>, now: Date): ReferralCaseEntity {
    const d = e.data;
    const encounterAt = new Date(d.encounterAt);
    return {
      referralId: d.referralId,
      shortRef: d.shortRef,
      encounterId: d.encounterId,
      personRef: d.personRef,
      schemeId: d.schemeId,
      area: d.area,
      ageBand: d.ageBand,
      sex: d.equality?.sex ?? NOT_RECORDED,
      ethnicity: d.equality?.ethnicity ?? NOT_RECORDED,
      cohortMonth: ukLocalDate(encounterAt).slice(0, 7),
      offenceType: d.offenceType,
      substance: d.substance ?? null,
      drugClass: d.drugClass ?? null,
      encounterAt,
      assessmentDeadline: new Date(d.assessmentDeadline),
      providerId: d.providerId ?? null,
      officerCollarNumber: d.officerCollarNumber,
      bwvReference: d.bwvReference ?? null,
      status: 'referred',
      stage: 'assessment',
      firstAssessedAt: null,
      ending: null,
      crimeOutcomeCode: null,
      endedAt: null,
      correlationId: e.correlationId,
      createdAt: now,
      updatedAt: now,
    };
  }

  /** A refusal of an eligible diversion: counted apart from declines (no case: nothing follows). */
  async onDiversionRefused(m: EntityManager, e: EventEnvelope<DiversionRefusedData>): Promise<void> {
    const d = e.data;
    await this.figures.bump(m, encounterCell(d.schemeId, d), { refusals: 1 });
  }

  async onReferralDeclined(m: EntityManager, e: EventEnvelope<ReferralDeclinedData>): Promise<void> {
    const d = e.data;
    await this.figures.bump(
      m,
      {
        schemeId: d.schemeConsidered ?? 'none',
        area: d.area,
        month: ukLocalDate(new Date(d.encounterAt)).slice(0, 7),
        ageBand: d.ageBand ?? 'unknown',
        sex: d.equality?.sex ?? NOT_RECORDED,
        ethnicity: d.equality?.ethnicity ?? NOT_RECORDED,
      },
      { declines: 1 },
    );
  }

  async onReferralWithdrawn(m: EntityManager, e: EventEnvelope<ReferralWithdrawnData>): Promise<void> {
    const d = e.data;
    await lockReferral(m, d.referralId);
    const rc = await this.load(m, d.referralId);
    if (!rc) {
      // Same topic as ReferralCreated, so it cannot overtake it: a referral we never saw.
      this.note(d.referralId, e, 'withdrawal of an unknown referral; ignored');
      return;
    }
    if (isTerminal(rc.status)) {
      this.note(d.referralId, e, `referral already ${rc.status}; withdrawal has no effect`);
      return;
    }
    const scheme = this.schemeOf(rc);
    const cause = causeOfEvent(e);
    if (rc.status === 'non-compliance-review') {
      const review = await this.openReviewOf(m, rc.referralId);
      if (review) await this.closeReview(m, review, 'withdrawn', d.withdrawnBy, `referral withdrawn (${d.reasonCode})`, cause);
    }
    await this.move(m, rc, scheme, { type: 'withdrawn', reasonCode: d.reasonCode }, cause);
    rc.ending = 'withdrawn';
    rc.crimeOutcomeCode = outcomeFor(scheme, 'withdrawn').crimeOutcomeCode;
    rc.endedAt = this.clock.now();
    await this.persist(m, rc);
    await this.figures.bump(m, cellOf(rc), { withdrawals: 1 });
  }

  // ---------------------------------------------------------------- scheduling topic

  /** Any scheduling event: applied when the referral is known, deferred (kept, in order) otherwise. */
  async onSchedulingEvent(m: EntityManager, e: EventEnvelope<{ referralId: string }>): Promise<void> {
    await this.onSchedulingEvents(m, [e]);
  }

  /**
   * Scheduling events in order (one, or a Kafka batch): their cases locked and loaded with
   * two statements for the run, then each applied as on its own.
   */
  async onSchedulingEvents(m: EntityManager, events: Array<EventEnvelope<{ referralId: string }>>): Promise<void> {
    const ids = [...new Set(events.map((e) => e.data.referralId))];
    await lockReferrals(m, ids);
    const cases = new Map((await m.find(ReferralCaseEntity, { where: { referralId: In(ids) }, order: { referralId: 'ASC' }, lock: { mode: 'pessimistic_write' } })).map((rc) => [rc.referralId, rc]));
    const applied = new Set<string>();
    await this.inOneWrite(m, async () => {
      for (const e of events) {
        const referralId = e.data.referralId;
        // A case an earlier event of the run changed is read again (other writers than apply() may have touched it).
        const rc = applied.has(referralId) ? await this.load(m, referralId) : cases.get(referralId) ?? null;
        await this.applyOrDefer(m, rc, e);
        applied.add(referralId);
      }
    });
  }

  private async applyOrDefer(m: EntityManager, rc: ReferralCaseEntity | null, e: EventEnvelope<{ referralId: string }>): Promise<void> {
    const referralId = e.data.referralId;
    if (!rc) {
      await m.query(
        `INSERT INTO deferred_event (referral_id, event_id, event_type, envelope, deferred_at) VALUES ($1, $2, $3, $4::jsonb, $5) ON CONFLICT (event_id) DO NOTHING`,
        [referralId, e.eventId, e.eventType, JSON.stringify(e), this.clock.now()],
      );
      this.logger.log({ msg: 'scheduling event arrived before its ReferralCreated; deferred', referralId, eventType: e.eventType }, 'Compliance');
      return;
    }
    await this.apply(m, rc, e);
  }

  private async apply(m: EntityManager, rc: ReferralCaseEntity, e: EventEnvelope): Promise<void> {
    const scheme = this.schemeOf(rc);
    switch (e.eventType) {
      case 'AssessmentScheduled':
        await this.assessmentScheduled(m, rc, scheme, e as EventEnvelope<AssessmentScheduledData>);
        break;
      case 'AssessmentCompleted':
        await this.assessmentCompleted(m, rc, scheme, e as EventEnvelope<AssessmentCompletedData>);
        break;
      case 'AssessmentMissed':
        await this.assessmentMissed(m, rc, scheme, e as EventEnvelope<AssessmentMissedData>);
        break;
      case 'CourseBooked':
        await this.courseBooked(m, rc, scheme, e as EventEnvelope<CourseBookedData>);
        break;
      case 'SessionAttended':
        await this.sessionAttended(m, rc, scheme, e as EventEnvelope<SessionAttendedData>);
        break;
      case 'CourseMissed':
        await this.courseMissed(m, rc, scheme, e as EventEnvelope<CourseMissedData>);
        break;
      case 'CourseCompleted':
        await this.courseCompleted(m, rc, scheme, e as EventEnvelope<CourseCompletedData>);
        break;
      case 'AppointmentRescheduled':
        await this.appointmentRescheduled(m, rc, scheme, e as EventEnvelope<AppointmentRescheduledData>);
        break;
      default:
        throw new PermanentError(`no handling for ${e.eventType}`, 'unhandled-event');
    }
    await this.persist(m, rc);
  }

  private async assessmentScheduled(m: EntityManager, rc: ReferralCaseEntity, scheme: Scheme, e: EventEnvelope<AssessmentScheduledData>) {
    const cause = causeOfEvent(e);
    if (rc.status === 'referred' || rc.status === 'assessment-missed' || (rc.status === 'excused' && rc.stage === 'assessment')) {
      await this.move(m, rc, scheme, { type: 'assessment-scheduled' }, cause);
    } else if (rc.status === 'assessment-scheduled') {
      await this.move(m, rc, scheme, { type: 'rebooked' }, cause);
    } else {
      this.note(rc.referralId, e, `no effect in status ${rc.status}`);
    }
  }

  private async assessmentCompleted(m: EntityManager, rc: ReferralCaseEntity, scheme: Scheme, e: EventEnvelope<AssessmentCompletedData>) {
    const d = e.data;
    const completedAt = new Date(d.completedAt);
    await this.record(m, rc, e, { appointmentId: d.appointmentId, kind: 'assessment', mark: 'attended', occurredAt: completedAt, isEngagement: true, countsAsFailure: false });
    if (!rc.firstAssessedAt) {
      rc.firstAssessedAt = completedAt;
      await this.figures.bump(m, cellOf(rc), { assessmentsCompleted: 1, assessmentsWithinDeadline: completedAt.getTime() <= rc.assessmentDeadline.getTime() ? 1 : 0 });
    }
    if (!(await this.reengage(m, rc, scheme, completedAt, e))) return;
    const cause = causeOfEvent(e);
    if (rc.status === 'referred' || (rc.status === 'excused' && rc.stage === 'assessment')) await this.move(m, rc, scheme, { type: 'assessment-scheduled' }, cause);
    if (rc.status === 'assessment-missed') await this.move(m, rc, scheme, { type: 'rebooked' }, cause);
    if (rc.status === 'assessment-scheduled') await this.move(m, rc, scheme, { type: 'assessment-completed' }, cause);
    else this.note(rc.referralId, e, `assessment recorded; no lifecycle effect in status ${rc.status}`);
  }

  private async assessmentMissed(m: EntityManager, rc: ReferralCaseEntity, scheme: Scheme, e: EventEnvelope<AssessmentMissedData>) {
    const d = e.data;
    const cause = causeOfEvent(e);
    const mark: AttendanceMarkValue = d.detectedBy === 'deadline' ? 'missed-deadline' : 'did-not-attend';
    // The miss is timed when it was recorded (a provider's mark, or the deadline job).
    const missedAt = new Date(e.occurredAt);
    if (rc.status === 'referred' || (rc.status === 'excused' && rc.stage === 'assessment')) await this.move(m, rc, scheme, { type: 'assessment-scheduled' }, cause);
    if (rc.status !== 'assessment-scheduled') {
      await this.record(m, rc, e, { appointmentId: d.appointmentId, kind: 'assessment', mark, absenceClass: d.absenceClass, occurredAt: missedAt, isEngagement: false, countsAsFailure: false });
      this.note(rc.referralId, e, `missed assessment recorded; no effect in status ${rc.status}`);
      return;
    }
    const absenceClass = d.absenceClass as AbsenceClass | undefined;
    const assessment = assessAttendance('did-not-attend', absenceClass, await this.priorFailures(m, rc.referralId), scheme);
    await this.record(m, rc, e, { appointmentId: d.appointmentId, kind: 'assessment', mark, absenceClass: d.absenceClass, occurredAt: missedAt, isEngagement: false, countsAsFailure: assessment.countsAsFailure });
    if (assessment.action === 'ask-provider') return this.note(rc.referralId, e, 'no absence class recorded: not a failure, nothing moves until the provider records why');
    await this.move(m, rc, scheme, { type: 'assessment-missed', absenceClass }, cause);
    if (assessment.action === 'open-review') {
      await this.move(m, rc, scheme, { type: 'review-opened' }, cause);
      await this.openReview(m, rc, scheme, { trigger: e.eventType, triggerEventId: e.eventId, appointmentId: d.appointmentId, kind: 'assessment', absenceClass: d.absenceClass, triggerAt: missedAt }, cause);
    } else {
      await this.move(m, rc, scheme, { type: 'rebooked' }, cause);
      await this.requestRebooking(m, rc, d.appointmentId, 'assessment', absenceClass ?? 'unacceptable', assessment.countsAsFailure, cause);
    }
  }

  private async courseBooked(m: EntityManager, rc: ReferralCaseEntity, scheme: Scheme, e: EventEnvelope<CourseBookedData>) {
    rc.stage = 'course';
    if (rc.status === 'assessed' || rc.status === 'excused') await this.move(m, rc, scheme, { type: 'course-booked' }, causeOfEvent(e));
    else this.note(rc.referralId, e, `course booking recorded; no lifecycle effect in status ${rc.status}`);
  }

  private async sessionAttended(m: EntityManager, rc: ReferralCaseEntity, scheme: Scheme, e: EventEnvelope<SessionAttendedData>) {
    const d = e.data;
    const at = new Date(d.recordedAt);
    await this.record(m, rc, e, { appointmentId: d.appointmentId, kind: 'session', sessionNumber: d.sessionNumber, mark: d.mark as AttendanceMarkValue, occurredAt: at, isEngagement: true, countsAsFailure: false });
    if (!(await this.reengage(m, rc, scheme, at, e))) return;
    await this.resumeCourse(m, rc, scheme, causeOfEvent(e));
  }

  private async courseMissed(m: EntityManager, rc: ReferralCaseEntity, scheme: Scheme, e: EventEnvelope<CourseMissedData>) {
    const d = e.data;
    const cause = causeOfEvent(e);
    const at = new Date(d.recordedAt);
    if (!isTerminal(rc.status) && rc.status !== 'non-compliance-review') await this.resumeCourse(m, rc, scheme, cause);
    if (rc.status !== 'on-course') {
      await this.record(m, rc, e, { appointmentId: d.appointmentId, kind: 'session', sessionNumber: d.sessionNumber, mark: 'did-not-attend', absenceClass: d.absenceClass, occurredAt: at, isEngagement: false, countsAsFailure: false });
      this.note(rc.referralId, e, `missed session recorded; no effect in status ${rc.status}`);
      return;
    }
    const absenceClass = d.absenceClass as AbsenceClass;
    const assessment = assessAttendance('did-not-attend', absenceClass, await this.priorFailures(m, rc.referralId), scheme);
    if (d.followUp && d.followUp !== assessment.action) {
      // The scheduling service applies the same rule for its own bookkeeping; this service decides.
      this.logger.warn({ msg: 'CourseMissed: the scheduling service expected another follow-up; the outcome service decides', referralId: rc.referralId, theirs: d.followUp, ours: assessment.action }, 'Compliance');
    }
    await this.record(m, rc, e, { appointmentId: d.appointmentId, kind: 'session', sessionNumber: d.sessionNumber, mark: 'did-not-attend', absenceClass: d.absenceClass, occurredAt: at, isEngagement: false, countsAsFailure: assessment.countsAsFailure });
    if (assessment.action === 'open-review') {
      await this.move(m, rc, scheme, { type: 'review-opened' }, cause);
      await this.openReview(m, rc, scheme, { trigger: e.eventType, triggerEventId: e.eventId, appointmentId: d.appointmentId, kind: 'session', absenceClass: d.absenceClass, triggerAt: at }, cause);
    } else {
      await this.move(m, rc, scheme, { type: 'rebooked' }, cause);
      await this.requestRebooking(m, rc, d.appointmentId, 'session', absenceClass, assessment.countsAsFailure, cause);
    }
  }

  private async courseCompleted(m: EntityManager, rc: ReferralCaseEntity, scheme: Scheme, e: EventEnvelope<CourseCompletedData>) {
    const d = e.data;
    const at = new Date(d.completedAt);
    const cause = causeOfEvent(e);
    await this.record(m, rc, e, { appointmentId: d.courseId, kind: 'course', mark: 'completed', occurredAt: at, isEngagement: true, countsAsFailure: false });
    if (!(await this.reengage(m, rc, scheme, at, e))) return;
    await this.resumeCourse(m, rc, scheme, cause);
    if (rc.status !== 'on-course') {
      this.note(rc.referralId, e, `course completion recorded; no lifecycle effect in status ${rc.status}`);
      return;
    }
    await this.move(m, rc, scheme, { type: 'course-completed' }, cause);
    const excusedBefore = await m.count(ComplianceReviewEntity, { where: { referralId: rc.referralId, resolution: 'excused' } });
    const ending = excusedBefore > 0 ? 'excused-completed' : 'completed';
    const outcome = outcomeFor(scheme, ending);
    if (outcome.crimeOutcomeCode === null) throw new PermanentError(`scheme ${scheme.id} has no completion outcome code`, 'no-outcome-code');
    rc.ending = ending;
    rc.crimeOutcomeCode = outcome.crimeOutcomeCode;
    rc.endedAt = this.clock.now();
    await this.publish(m, DiversionCompleted, {
      referralId: rc.referralId,
      personRef: rc.personRef,
      schemeId: rc.schemeId,
      area: rc.area,
      crimeOutcomeCode: outcome.crimeOutcomeCode,
      completedAt: at.toISOString(),
      ending,
      courseId: d.courseId,
      ageBand: rc.ageBand,
    }, rc.referralId, cause);
    await this.figures.bump(m, cellOf(rc), { completions: 1, signpostedCompletions: d.signposting?.length ? 1 : 0 });
  }

  private async appointmentRescheduled(m: EntityManager, rc: ReferralCaseEntity, scheme: Scheme, e: EventEnvelope<AppointmentRescheduledData>) {
    const cause = causeOfEvent(e);
    if (e.data.kind === 'assessment') {
      if (rc.status === 'assessment-scheduled' || rc.status === 'assessment-missed') return this.move(m, rc, scheme, { type: 'rebooked' }, cause);
      if (rc.status === 'excused' && rc.stage === 'assessment') return this.move(m, rc, scheme, { type: 'assessment-scheduled' }, cause);
    } else if (rc.status === 'on-course' || (rc.status === 'excused' && rc.stage === 'course')) {
      return this.move(m, rc, scheme, { type: 'rebooked' }, cause);
    }
    this.note(rc.referralId, e, `reschedule of a ${e.data.kind} has no lifecycle effect in status ${rc.status}`);
  }

  /** Back on the course: an excused referral resumes (rebooked), an assessed one starts it. */
  private async resumeCourse(m: EntityManager, rc: ReferralCaseEntity, scheme: Scheme, cause: Cause) {
    if (rc.status === 'excused') {
      await this.move(m, rc, scheme, rc.stage === 'course' ? { type: 'rebooked' } : { type: 'course-booked' }, cause);
      rc.stage = 'course';
    } else if (rc.status === 'assessed') {
      await this.move(m, rc, scheme, { type: 'course-booked' }, cause);
      rc.stage = 'course';
    }
  }

  // ------------------------------------------------------------- reviews and the race

  /**
   * A re-engagement event (already recorded). Returns whether the event should go on to
   * its own lifecycle effect. The race rule: it excuses an open review when it HAPPENED
   * inside the window; when the window job got there first and it happened inside the
   * window all the same, the decision is corrected (see correctLateReengagement).
   */
  private async reengage(m: EntityManager, rc: ReferralCaseEntity, scheme: Scheme, occurredAt: Date, e: EventEnvelope): Promise<boolean> {
    const cause = causeOfEvent(e);
    if (rc.status === 'non-compliance-review') {
      const review = await this.openReviewOf(m, rc.referralId);
      if (review && insideWindow(review, occurredAt)) {
        await this.excuse(m, rc, scheme, review, { by: e.producer, reason: `re-engaged: ${e.eventType} at ${occurredAt.toISOString()}`, reengagementEventId: e.eventId, reengagementAt: occurredAt }, cause);
        return true;
      }
      this.note(rc.referralId, e, 'happened outside the show-cause window; recorded, the window decides');
      return false;
    }
    if (isTerminal(rc.status)) {
      const corrected = await this.correctLateReengagement(m, rc, scheme, occurredAt, e);
      if (!corrected) this.note(rc.referralId, e, `recorded; referral already ${rc.status}`);
      return corrected;
    }
    return true;
  }

  private async openReview(
    m: EntityManager,
    rc: ReferralCaseEntity,
    scheme: Scheme,
    t: { trigger: string; triggerEventId: string; appointmentId: string; kind: 'assessment' | 'session'; absenceClass?: string; triggerAt: Date },
    cause: Cause,
  ): Promise<void> {
    const reviewId = nameUuid(`review:${t.triggerEventId}`);
    const openedAt = this.clock.now();
    const deadline = showCauseDeadline(openedAt, scheme);
    const decideAt = new Date(deadline.getTime() + this.config.SHOW_CAUSE_GRACE_MS);
    const review = m.create(ComplianceReviewEntity, {
      reviewId,
      referralId: rc.referralId,
      trigger: t.trigger,
      triggerEventId: t.triggerEventId,
      appointmentId: t.appointmentId,
      kind: t.kind,
      absenceClass: t.absenceClass ?? null,
      triggerAt: t.triggerAt,
      openedAt,
      showCauseDeadline: deadline,
      decideAt,
      status: 'open',
      resolution: null,
      closedAt: null,
      closedBy: null,
      closeReason: null,
      reengagementEventId: null,
      reengagementAt: null,
      supersededResolution: null,
      correctedAt: null,
      correlationId: cause.correlationId,
    });
    await m.save(ComplianceReviewEntity, review);
    await this.publish(m, ComplianceReviewOpened, {
      referralId: rc.referralId,
      reviewId,
      trigger: t.kind === 'assessment' ? 'assessment-missed' : 'course-missed',
      openedAt: openedAt.toISOString(),
      showCauseDeadline: deadline.toISOString(),
      schemeId: rc.schemeId,
      area: rc.area,
      personRef: rc.personRef,
      officerCollarNumber: rc.officerCollarNumber,
      appointmentId: t.appointmentId,
      kind: t.kind,
      ...(t.absenceClass ? { absenceClass: t.absenceClass } : {}),
    }, rc.referralId, cause);
    await this.figures.bump(m, cellOf(rc), { reviewsOpened: 1 });
    // Scheduled inside the transaction: if it rolls back the job finds no review and does nothing;
    // if it commits, the job is already there (a crash between commit and scheduling cannot lose it).
    await this.jobs.schedule(reviewId, rc.referralId, decideAt);
  }

  /** Closes an open review as excused and moves the referral on (re-engaged → excused). */
  private async excuse(
    m: EntityManager,
    rc: ReferralCaseEntity,
    scheme: Scheme,
    review: ComplianceReviewEntity,
    info: { by: string; reason: string; reengagementEventId: string | null; reengagementAt: Date | null },
    cause: Cause,
  ): Promise<void> {
    review.reengagementEventId = info.reengagementEventId;
    review.reengagementAt = info.reengagementAt;
    await this.closeReview(m, review, 'excused', info.by, info.reason, cause);
    await this.move(m, rc, scheme, { type: 're-engaged' }, cause);
    await this.excuseFailures(m, rc.referralId, review.reviewId);
    await this.figures.bump(m, cellOf(rc), { reviewsExcused: 1 });
  }

  private async closeReview(m: EntityManager, review: ComplianceReviewEntity, resolution: ReviewResolutionValue, by: string, reason: string, cause: Cause, summonsRequestId?: string) {
    const now = this.clock.now();
    review.status = 'closed';
    review.resolution = resolution;
    review.closedAt = now;
    review.closedBy = by;
    review.closeReason = reason.slice(0, 500);
    await m.save(ComplianceReviewEntity, review);
    await this.publish(m, ComplianceReviewClosed, {
      referralId: review.referralId,
      reviewId: review.reviewId,
      resolution,
      closedAt: now.toISOString(),
      closedBy: by.slice(0, 100),
      reason: reason.slice(0, 500),
      ...(summonsRequestId ? { summonsRequestId } : {}),
    }, review.referralId, cause);
  }

  /**
   * The window job: runs when the show-cause deadline plus the grace period has passed.
   * Re-reads everything in one transaction: the referral's lock, then the review row
   * (SELECT ... FOR UPDATE). A closed review means someone decided first: nothing to do.
   * Safe under redelivery, restarts and several replicas running the job at once.
   */
  async closeWindow(job: Pick<ReviewWindowJobData, 'reviewId'>): Promise<string> {
    const head = await this.dataSource.getRepository(ComplianceReviewEntity).findOne({ where: { reviewId: job.reviewId } });
    if (!head) {
      // Its transaction rolled back (the job was scheduled inside it): nothing to decide.
      this.logger.warn({ msg: 'review window job for an unknown review; nothing to do', reviewId: job.reviewId }, 'Compliance');
      return 'unknown-review';
    }
    return this.dataSource.transaction(async (m) => {
      await lockReferral(m, head.referralId);
      const rc = await m.findOneOrFail(ReferralCaseEntity, { where: { referralId: head.referralId }, lock: { mode: 'pessimistic_write' } });
      const review = await m.findOneOrFail(ComplianceReviewEntity, { where: { reviewId: job.reviewId }, lock: { mode: 'pessimistic_write' } });
      if (review.status !== 'open') return `already-${review.resolution}`;
      const now = this.clock.now();
      if (now.getTime() < review.decideAt.getTime()) throw new Error(`review ${review.reviewId} is not due until ${review.decideAt.toISOString()} (now ${now.toISOString()})`);
      const scheme = this.schemeOf(rc);
      const cause = causeOfJob(review.reviewId, review.correlationId, review.triggerEventId);

      // The attendance record decides, by occurrence time: a re-engagement inside the window
      // excuses even if it was applied without closing the review (defensive; normally it did).
      const engaged = await m
        .createQueryBuilder(AttendanceRecordEntity, 'a')
        .where('a.referral_id = :id AND a.is_engagement AND a.occurred_at >= :from AND a.occurred_at <= :to', { id: rc.referralId, from: review.triggerAt, to: review.showCauseDeadline })
        .orderBy('a.occurred_at', 'ASC')
        .getOne();
      if (engaged) {
        await this.excuse(m, rc, scheme, review, { by: SYSTEM_ACTOR, reason: `re-engaged: ${engaged.eventType} at ${engaged.occurredAt.toISOString()}`, reengagementEventId: engaged.sourceEventId, reengagementAt: engaged.occurredAt }, cause);
        await this.persist(m, rc);
        return 'excused';
      }
      const resolution = await this.applyConsequence(m, rc, scheme, review, cause);
      await this.persist(m, rc);
      return resolution;
    });
  }

  private async applyConsequence(m: EntityManager, rc: ReferralCaseEntity, scheme: Scheme, review: ComplianceReviewEntity, cause: Cause): Promise<string> {
    const resolution = consequenceOfClosedReview(scheme, false);
    const attendance = await this.attendanceLines(m, rc.referralId);
    const what = review.kind === 'assessment' ? 'the assessment' : `a course session`;
    const reason =
      `Did not attend ${what} (${review.absenceClass ?? 'unclassified'} absence, recorded ${review.triggerAt.toISOString()}) ` +
      `and did not re-engage before the show-cause deadline ${review.showCauseDeadline.toISOString()} (${scheme.name}).`;
    await this.move(m, rc, scheme, { type: 'review-closed-without-engagement' }, cause);
    const now = this.clock.now();
    let summonsRequestId: string | undefined;
    if (resolution === 'summons-requested') {
      summonsRequestId = (await this.summons.request(m, rc, review, reason, attendance, cause)).summonsRequestId;
    } else if (resolution === 'no-further-diversion') {
      await this.publish(m, NoFurtherDiversion, {
        referralId: rc.referralId, personRef: rc.personRef, schemeId: rc.schemeId, area: rc.area, reason, decidedAt: now.toISOString(), reviewId: review.reviewId,
      }, rc.referralId, cause);
      await this.figures.bump(m, cellOf(rc), { noFurtherDiversions: 1 });
    }
    rc.ending = resolution;
    rc.crimeOutcomeCode = outcomeFor(scheme, resolution === 'excused' ? 'completed' : resolution).crimeOutcomeCode;
    rc.endedAt = now;
    await this.closeReview(m, review, resolution, SYSTEM_ACTOR, reason, cause, summonsRequestId);
    return resolution;
  }

  /**
   * The race decided the other way round: the window job applied the consequence, then a
   * re-engagement that HAPPENED inside the window arrived. The rule says the person
   * re-engaged in time, so the decision is corrected: a pending summons request is withdrawn
   * automatically (SummonsRequestWithdrawn, automatic), a no-further-diversion decision is
   * superseded, the review is re-closed as excused (ComplianceReviewClosed with
   * supersedesResolution) and the referral is put where the lifecycle says a re-engaged
   * review leads (transition(non-compliance-review, re-engaged) = excused).
   * A request the courts unit has already acknowledged is not touched: the late attendance
   * is recorded on it (lateReengagementAt) for the courts unit to weigh.
   */
  private async correctLateReengagement(m: EntityManager, rc: ReferralCaseEntity, scheme: Scheme, occurredAt: Date, e: EventEnvelope): Promise<boolean> {
    if (rc.status !== 'summons-requested' && rc.status !== 'no-further-diversion') return false;
    const review = await m.findOne(ComplianceReviewEntity, {
      where: { referralId: rc.referralId, status: 'closed', resolution: rc.status },
      order: { closedAt: 'DESC' },
      lock: { mode: 'pessimistic_write' },
    });
    if (!review || !insideWindow(review, occurredAt)) return false;
    const cause = causeOfEvent(e);
    const reason = `re-engaged: ${e.eventType} at ${occurredAt.toISOString()}, inside the show-cause window (deadline ${review.showCauseDeadline.toISOString()}), recorded after the decision`;
    if (rc.status === 'summons-requested') {
      const sr = await m.findOne(SummonsRequestEntity, { where: { referralId: rc.referralId }, lock: { mode: 'pessimistic_write' } });
      if (!sr) return false;
      if (sr.status !== 'pending') {
        if (sr.status !== 'withdrawn' && !sr.lateReengagementAt) {
          await m.update(SummonsRequestEntity, { summonsRequestId: sr.summonsRequestId }, { lateReengagementAt: occurredAt, updatedAt: this.clock.now() });
          await this.summons.history(m, sr.summonsRequestId, 'late-reengagement-recorded', sr.status, SYSTEM_ACTOR, { reason, eventId: e.eventId });
          this.logger.warn({ msg: 'in-window re-engagement arrived after the summons request was acknowledged; recorded on the request', referralId: rc.referralId }, 'Compliance');
        }
        return false;
      }
      await this.summons.withdrawLocked(m, rc, sr, { by: SYSTEM_ACTOR, reason: reason.slice(0, 500), automatic: true }, cause);
    } else {
      await this.figures.bump(m, cellOf(rc), { noFurtherDiversions: -1 });
    }
    const superseded = review.resolution!;
    const now = this.clock.now();
    review.supersededResolution = superseded;
    review.resolution = 'excused';
    review.correctedAt = now;
    review.reengagementEventId = e.eventId;
    review.reengagementAt = occurredAt;
    await m.save(ComplianceReviewEntity, review);
    await this.publish(m, ComplianceReviewClosed, {
      referralId: rc.referralId,
      reviewId: review.reviewId,
      resolution: 'excused',
      closedAt: now.toISOString(),
      closedBy: SYSTEM_ACTOR,
      reason: reason.slice(0, 500),
      supersedesResolution: superseded,
    }, rc.referralId, cause);
    // Replay the lifecycle in occurrence order: the re-engagement came while the review was open.
    const corrected = transition('non-compliance-review', { type: 're-engaged' }, scheme);
    await this.history(m, rc, rc.status, corrected, 'correction:re-engaged', cause);
    rc.status = corrected;
    rc.ending = null;
    rc.crimeOutcomeCode = null;
    rc.endedAt = null;
    await this.excuseFailures(m, rc.referralId, review.reviewId);
    await this.figures.bump(m, cellOf(rc), { reviewsExcused: 1 });
    return true;
  }

  /** A supervisor excuses an open review inside its window (POST /v1/reviews/:id/excuse). */
  async excuseByRequest(reviewId: string, input: { excusedBy: string; reason: string }, correlationId?: string) {
    const head = await this.dataSource.getRepository(ComplianceReviewEntity).findOne({ where: { reviewId } });
    if (!head) throw new NotFoundException({ statusCode: 404, error: 'Not Found', code: 'review-not-found', message: `no compliance review ${reviewId}` });
    await this.dataSource.transaction(async (m) => {
      await lockReferral(m, head.referralId);
      const rc = await m.findOneOrFail(ReferralCaseEntity, { where: { referralId: head.referralId }, lock: { mode: 'pessimistic_write' } });
      const review = await m.findOneOrFail(ComplianceReviewEntity, { where: { reviewId }, lock: { mode: 'pessimistic_write' } });
      if (review.status !== 'open') throw conflict('review-closed', `review ${reviewId} is already closed (${review.resolution})`);
      const now = this.clock.now();
      if (now.getTime() > review.showCauseDeadline.getTime()) {
        throw conflict('window-closed', `the show-cause window of review ${reviewId} closed at ${review.showCauseDeadline.toISOString()}`);
      }
      const cause = causeOfRequest('excuse-review', input.excusedBy, correlationId);
      await this.excuse(m, rc, this.schemeOf(rc), review, { by: input.excusedBy, reason: `excused by ${input.excusedBy}: ${input.reason}`, reengagementEventId: null, reengagementAt: null }, cause);
      await this.persist(m, rc);
    });
    await this.jobs.cancel(reviewId);
    return this.reviewView(reviewId);
  }

  /** Boot-time sweep: every open review has its window job (e.g. after Redis lost its data). */
  async ensureWindowJobs(): Promise<number> {
    const open = await this.dataSource.getRepository(ComplianceReviewEntity).find({ where: { status: 'open' } });
    let scheduled = 0;
    for (const r of open) if ((await this.jobs.ensure(r.reviewId, r.referralId, r.decideAt)) !== 'present') scheduled++;
    if (scheduled) this.logger.log({ msg: 'review window jobs restored', count: scheduled }, 'Compliance');
    return scheduled;
  }

  // ---------------------------------------------------------------------- read side

  async reviewView(reviewId: string) {
    const r = await this.dataSource.getRepository(ComplianceReviewEntity).findOne({ where: { reviewId } });
    if (!r) throw new NotFoundException({ statusCode: 404, error: 'Not Found', code: 'review-not-found', message: `no compliance review ${reviewId}` });
    return toReviewView(r);
  }

  async referralView(referralId: string) {
    const repo = this.dataSource.getRepository(ReferralCaseEntity);
    const rc = await repo.findOne({ where: { referralId } });
    if (!rc) throw new NotFoundException({ statusCode: 404, error: 'Not Found', code: 'referral-not-found', message: `no referral ${referralId} known to the outcome service` });
    const [attendance, reviews, history, summons] = await Promise.all([
      this.dataSource.getRepository(AttendanceRecordEntity).find({ where: { referralId }, order: { occurredAt: 'ASC', id: 'ASC' } }),
      this.dataSource.getRepository(ComplianceReviewEntity).find({ where: { referralId }, order: { openedAt: 'ASC' } }),
      this.dataSource.getRepository(ReferralStatusHistoryEntity).find({ where: { referralId }, order: { id: 'ASC' } }),
      this.dataSource.getRepository(SummonsRequestEntity).findOne({ where: { referralId } }),
    ]);
    return {
      referralId: rc.referralId,
      shortRef: rc.shortRef,
      schemeId: rc.schemeId,
      area: rc.area,
      ageBand: rc.ageBand,
      status: rc.status,
      stage: rc.stage,
      ending: rc.ending,
      ...crimeOutcomeOf(rc, summons),
      endedAt: iso(rc.endedAt),
      assessmentDeadline: iso(rc.assessmentDeadline),
      firstAssessedAt: iso(rc.firstAssessedAt),
      attendance: attendance.map((a) => ({
        eventType: a.eventType, appointmentId: a.appointmentId, kind: a.kind, sessionNumber: a.sessionNumber, mark: a.mark, absenceClass: a.absenceClass,
        occurredAt: iso(a.occurredAt), receivedAt: iso(a.receivedAt), countsAsFailure: a.countsAsFailure, failureExcusedByReview: a.failureExcusedByReview,
      })),
      reviews: reviews.map(toReviewView),
      summonsRequestId: summons?.summonsRequestId ?? null,
      history: history.map((h) => ({ from: h.fromStatus, to: h.toStatus, event: h.lifecycleEvent, cause: h.causeType, by: h.changedBy, at: iso(h.changedAt) })),
    };
  }

  async listReviews(filters: { referralId?: string; status?: 'open' | 'closed' }) {
    const where: Record<string, unknown> = {};
    if (filters.referralId) where.referralId = filters.referralId;
    if (filters.status) where.status = filters.status;
    const rows = await this.dataSource.getRepository(ComplianceReviewEntity).find({ where, order: { openedAt: 'ASC' }, take: 500 });
    return { items: rows.map(toReviewView) };
  }

  // ------------------------------------------------------------------------ helpers

  private async load(m: EntityManager, referralId: string): Promise<ReferralCaseEntity | null> {
    await this.flushWrites(m); // what this run changed so far, before the case is read again
    return m.findOne(ReferralCaseEntity, { where: { referralId }, lock: { mode: 'pessimistic_write' } });
  }

  private async openReviewOf(m: EntityManager, referralId: string): Promise<ComplianceReviewEntity | null> {
    return m.findOne(ComplianceReviewEntity, { where: { referralId, status: 'open' }, lock: { mode: 'pessimistic_write' } });
  }

  private schemeOf(rc: ReferralCaseEntity): Scheme {
    const scheme = schemeById(rc.schemeId);
    if (!scheme) throw new PermanentError(`referral ${rc.referralId} is under unknown scheme '${rc.schemeId}'`, 'unknown-scheme');
    return scheme;
  }

  /** One lifecycle step through libs/domain (IllegalTransitionError is permanent: dead-lettered). */
  private async move(m: EntityManager, rc: ReferralCaseEntity, scheme: Scheme, event: LifecycleEvent, cause: Cause): Promise<void> {
    const next = transition(rc.status, event, scheme);
    await this.history(m, rc, rc.status, next, event.type, cause);
    rc.status = next;
  }

  private async history(m: EntityManager, rc: ReferralCaseEntity, from: ReferralStatus | null, to: ReferralStatus, lifecycleEvent: string, cause: Cause) {
    const row = this.historyRow(rc, from, to, lifecycleEvent, cause);
    const pending = this.pendingWrites.get(m);
    if (pending) pending.history.push(row);
    else await m.insert(ReferralStatusHistoryEntity, row);
  }

  private historyRow(rc: ReferralCaseEntity, from: ReferralStatus | null, to: ReferralStatus, lifecycleEvent: string, cause: Cause): Omit<ReferralStatusHistoryEntity, 'id'> {
    return { referralId: rc.referralId, fromStatus: from, toStatus: to, lifecycleEvent, causeType: cause.type, causeId: cause.id, changedBy: cause.by, changedAt: this.clock.now() };
  }

  /** Writes what the handlers change on a case (one UPDATE; save() would first read the row back). */
  private async persist(m: EntityManager, rc: ReferralCaseEntity): Promise<void> {
    rc.updatedAt = this.clock.now();
    const pending = this.pendingWrites.get(m);
    if (pending) {
      pending.cases.set(rc.referralId, rc);
      return;
    }
    const { status, stage, firstAssessedAt, ending, crimeOutcomeCode, endedAt, updatedAt } = rc;
    await m.update(ReferralCaseEntity, { referralId: rc.referralId }, { status, stage, firstAssessedAt, ending, crimeOutcomeCode, endedAt, updatedAt });
  }

  /**
   * Runs `work` (a run of events in one transaction) with its case changes and history rows
   * held back and written at the end with one statement each, instead of two per event.
   * Reading a case again (load) writes what is held first, so nothing reads a stale row.
   */
  private async inOneWrite(m: EntityManager, work: () => Promise<void>): Promise<void> {
    this.pendingWrites.set(m, { history: [], cases: new Map() });
    try {
      await work();
      await this.flushWrites(m);
    } finally {
      this.pendingWrites.delete(m);
    }
  }

  private async flushWrites(m: EntityManager): Promise<void> {
    const pending = this.pendingWrites.get(m);
    if (!pending) return;
    const history = pending.history.splice(0);
    const cases = [...pending.cases.values()];
    pending.cases.clear();
    const column = <K extends keyof ReferralCaseEntity>(key: K) => cases.map((rc) => rc[key]);
    // The history rows and the cases' changes: one statement (different tables).
    await writeTogether(m, [
      entityRowsInsert(m, ReferralStatusHistoryEntity, history),
      ...(cases.length === 0 ? [] : [(bind: (v: unknown) => string) =>
        `UPDATE referral_case c SET status = v.status, stage = v.stage, first_assessed_at = v.first_assessed_at, ending = v.ending,
           crime_outcome_code = v.crime_outcome_code, ended_at = v.ended_at, updated_at = v.updated_at
         FROM unnest(${bind(column('referralId'))}::text[], ${bind(column('status'))}::text[], ${bind(column('stage'))}::text[], ${bind(column('firstAssessedAt'))}::timestamptz[],
                     ${bind(column('ending'))}::text[], ${bind(column('crimeOutcomeCode'))}::int[], ${bind(column('endedAt'))}::timestamptz[], ${bind(column('updatedAt'))}::timestamptz[])
           AS v(referral_id, status, stage, first_assessed_at, ending, crime_outcome_code, ended_at, updated_at)
         WHERE c.referral_id = v.referral_id`]),
    ]);
  }

  private async record(m: EntityManager, rc: ReferralCaseEntity, e: EventEnvelope, a: AttendanceInput): Promise<void> {
    await m.insert(AttendanceRecordEntity, {
      referralId: rc.referralId,
      sourceEventId: e.eventId,
      eventType: e.eventType,
      appointmentId: a.appointmentId,
      kind: a.kind,
      sessionNumber: a.sessionNumber ?? null,
      mark: a.mark,
      absenceClass: a.absenceClass ?? null,
      occurredAt: a.occurredAt,
      receivedAt: this.clock.now(),
      isEngagement: a.isEngagement,
      countsAsFailure: a.countsAsFailure,
      failureExcusedByReview: null,
    });
  }

  /** Failures not yet excused by a review (the count assessAttendance compares with the tolerance). */
  private async priorFailures(m: EntityManager, referralId: string): Promise<number> {
    return m.count(AttendanceRecordEntity, { where: { referralId, countsAsFailure: true, failureExcusedByReview: IsNull() } });
  }

  private async excuseFailures(m: EntityManager, referralId: string, reviewId: string): Promise<void> {
    await m.update(AttendanceRecordEntity, { referralId, countsAsFailure: true, failureExcusedByReview: IsNull() }, { failureExcusedByReview: reviewId });
  }

  private async attendanceLines(m: EntityManager, referralId: string): Promise<AttendanceLine[]> {
    const rows = await m.find(AttendanceRecordEntity, { where: { referralId, kind: In(['assessment', 'session']) }, order: { occurredAt: 'ASC', id: 'ASC' } });
    return rows.map((a) => ({
      appointmentId: a.appointmentId ?? 'unknown',
      kind: a.kind,
      mark: a.mark,
      ...(a.absenceClass ? { absenceClass: a.absenceClass } : {}),
      at: a.occurredAt.toISOString(),
      ...(a.sessionNumber !== null ? { sessionNumber: a.sessionNumber } : {}),
    }));
  }

  private async requestRebooking(m: EntityManager, rc: ReferralCaseEntity, appointmentId: string, kind: 'assessment' | 'session', absenceClass: string, countsAsFailure: boolean, cause: Cause) {
    await this.publish(m, RebookingRequested, { referralId: rc.referralId, appointmentId, absenceClass, kind, countsAsFailure }, rc.referralId, cause);
  }

  private async publish<D extends EventDefinition>(m: EntityManager, definition: D, data: DataOf<D>, key: string, cause: Cause): Promise<void> {
    await this.outbox.publish(m, definition, data, { key, correlationId: cause.correlationId, causationId: cause.causationId });
  }

  private note(referralId: string, e: EventEnvelope, what: string): void {
    this.logger.log({ msg: `${e.eventType}: ${what}`, referralId, eventId: e.eventId }, 'Compliance');
  }
}

/** The race rule: a re-engagement counts when it happened after the miss and by the deadline (inclusive). */
export function insideWindow(review: Pick<ComplianceReviewEntity, 'triggerAt' | 'showCauseDeadline'>, occurredAt: Date): boolean {
  const t = occurredAt.getTime();
  return t >= new Date(review.triggerAt).getTime() && t <= new Date(review.showCauseDeadline).getTime();
}

export function toReviewView(r: ComplianceReviewEntity) {
  return {
    reviewId: r.reviewId,
    referralId: r.referralId,
    trigger: r.trigger,
    kind: r.kind,
    appointmentId: r.appointmentId,
    absenceClass: r.absenceClass,
    missedAt: iso(r.triggerAt),
    openedAt: iso(r.openedAt),
    showCauseDeadline: iso(r.showCauseDeadline),
    decideAt: iso(r.decideAt),
    status: r.status,
    resolution: r.resolution,
    closedAt: iso(r.closedAt),
    closedBy: r.closedBy,
    closeReason: r.closeReason,
    reengagementAt: iso(r.reengagementAt),
    supersededResolution: r.supersededResolution,
    correctedAt: iso(r.correctedAt),
  };
}
