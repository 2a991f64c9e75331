import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { CourtResultRecorded, SummonsRequested, SummonsRequestWithdrawn, type AttendanceLine } from '@ddp/contracts';
import { crimeOutcomeOfCourtResult, defaultRuleSet, endOfUkDay, isIsoDate, startOfUkDay } from '@ddp/domain';
import { Clock, Outbox } from '@ddp/platform';
import { cellOf } from '../figures/cells';
import { FiguresService } from '../figures/figures.service';
import { ReferralCaseEntity } from '../referrals/referral-case.entity';
import type { ComplianceReviewEntity } from '../reviews/compliance-review.entity';
import { causeOfRequest, type Cause } from '../shared/cause';
import { iso, lockReferral, nameUuid, queryRows, SYSTEM_ACTOR, type JsonObject } from '../shared/db';
import { SummonsRequestEntity, SummonsRequestHistoryEntity, type SummonsStatus } from './summons-request.entity';

/** What the courts unit can record: the configured court results (libs/domain COURT_RESULTS), each with the crime outcome it means. */
export const COURT_RESULTS: readonly string[] = defaultRuleSet.courtResults.map((r) => r.result);

export interface ListFilters {
  status?: SummonsStatus;
  area?: string;
  /** requested_at from / to: an instant, or a date (YYYY-MM-DD, UK day, inclusive). */
  from?: string;
  to?: string;
  limit: number;
  offset: number;
}

const conflict = (code: string, message: string) => new ConflictException({ statusCode: 409, error: 'Conflict', code, message });

/**
 * Summons requests to the courts unit. At most one per referral, ever: the primary key is
 * derived from the referral id and referral_id is unique, and the caller holds the
 * referral's lock and the review row lock (see ComplianceService.closeWindow).
 */
@Injectable()
export class SummonsService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(Outbox) private readonly outbox: Outbox,
    @Inject(FiguresService) private readonly figures: FiguresService,
  ) {}

  /**
   * Inside the window job's transaction: records the request and stages SummonsRequested.
   * SummonsRequested is staged only where the row is created, and referral_id is unique,
   * so a referral's request is published exactly once whatever comes after it. A request
   * the service withdrew itself because a re-engagement arrived late (see README) is
   * reinstated by a later failure of the same referral, without a second SummonsRequested:
   * the review's ComplianceReviewClosed (summons-requested, with the request id) says so.
   */
  async request(m: EntityManager, rc: ReferralCaseEntity, review: ComplianceReviewEntity, reason: string, attendance: AttendanceLine[], cause: Cause): Promise<{ summonsRequestId: string; published: boolean }> {
    const now = this.clock.now();
    const summonsRequestId = nameUuid(`summons:${rc.referralId}`);
    const inserted = await queryRows<{ summons_request_id: string }>(
      m,
      `INSERT INTO summons_request (summons_request_id, referral_id, review_id, status, person_ref, short_ref, scheme_id, area, age_band,
         offence_type, substance, drug_class, bwv_reference, officer_collar_number, encounter_at, review_opened_at, show_cause_deadline,
         reason, attendance, requested_at, withdrawn_automatically, updated_at)
       VALUES ($1, $2, $3, 'pending', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18::jsonb, $19, false, $19)
       ON CONFLICT DO NOTHING RETURNING summons_request_id`,
      [
        summonsRequestId, rc.referralId, review.reviewId, rc.personRef, rc.shortRef, rc.schemeId, rc.area, rc.ageBand,
        rc.offenceType, rc.substance, rc.drugClass, rc.bwvReference, rc.officerCollarNumber, rc.encounterAt, review.openedAt,
        review.showCauseDeadline, reason, JSON.stringify(attendance), now,
      ],
    );
    if (inserted.length === 1) {
      await this.history(m, summonsRequestId, 'requested', 'pending', SYSTEM_ACTOR, { reviewId: review.reviewId });
      await this.publishRequested(m, rc, review, summonsRequestId, reason, attendance, now, cause);
      await this.figures.bump(m, cellOf(rc), { summonsRequests: 1 });
      return { summonsRequestId, published: true };
    }
    const existing = await m.findOne(SummonsRequestEntity, { where: { referralId: rc.referralId }, lock: { mode: 'pessimistic_write' } });
    if (!existing) throw new Error(`summons request for ${rc.referralId} neither inserted nor found`);
    if (existing.status === 'withdrawn' && existing.withdrawnAutomatically) {
      await m.update(SummonsRequestEntity, { summonsRequestId: existing.summonsRequestId }, {
        status: 'pending', reviewId: review.reviewId, reason, attendance: attendance as unknown as Array<JsonObject>, requestedAt: now,
        reviewOpenedAt: review.openedAt, showCauseDeadline: review.showCauseDeadline,
        withdrawnAt: null, withdrawnBy: null, withdrawalReason: null, withdrawnAutomatically: false, updatedAt: now,
      });
      await this.history(m, existing.summonsRequestId, 'reinstated', 'pending', SYSTEM_ACTOR, { reviewId: review.reviewId, previousWithdrawalAt: iso(existing.withdrawnAt) });
      await this.figures.bump(m, cellOf(rc), { summonsWithdrawn: -1 });
      return { summonsRequestId: existing.summonsRequestId, published: false };
    }
    return { summonsRequestId: existing.summonsRequestId, published: false };
  }

  private async publishRequested(m: EntityManager, rc: ReferralCaseEntity, review: ComplianceReviewEntity, summonsRequestId: string, reason: string, attendance: AttendanceLine[], at: Date, cause: Cause) {
    await this.outbox.publish(
      m,
      SummonsRequested,
      {
        referralId: rc.referralId,
        summonsRequestId,
        personRef: rc.personRef,
        schemeId: rc.schemeId,
        area: rc.area,
        offenceType: rc.offenceType,
        ...(rc.bwvReference ? { bwvReference: rc.bwvReference } : {}),
        encounterAt: rc.encounterAt.toISOString(),
        reason,
        attendance,
        requestedAt: at.toISOString(),
        ...(rc.shortRef ? { shortRef: rc.shortRef } : {}),
        ...(rc.substance ? { substance: rc.substance } : {}),
        ...(rc.drugClass ? { drugClass: rc.drugClass } : {}),
        officerCollarNumber: rc.officerCollarNumber,
        ageBand: rc.ageBand,
        reviewId: review.reviewId,
        reviewOpenedAt: review.openedAt.toISOString(),
        showCauseDeadline: review.showCauseDeadline.toISOString(),
      },
      { key: rc.referralId, correlationId: cause.correlationId, causationId: cause.causationId },
    );
  }

  /** Inside a transaction holding the referral lock and the request row lock; the request must be pending. */
  async withdrawLocked(m: EntityManager, rc: ReferralCaseEntity, sr: SummonsRequestEntity, input: { by: string; reason: string; automatic: boolean }, cause: Cause): Promise<void> {
    const now = this.clock.now();
    await m.update(SummonsRequestEntity, { summonsRequestId: sr.summonsRequestId }, {
      status: 'withdrawn', withdrawnAt: now, withdrawnBy: input.by, withdrawalReason: input.reason, withdrawnAutomatically: input.automatic, updatedAt: now,
    });
    await this.history(m, sr.summonsRequestId, input.automatic ? 'withdrawn-automatically' : 'withdrawn', 'withdrawn', input.by, { reason: input.reason });
    await this.outbox.publish(
      m,
      SummonsRequestWithdrawn,
      { referralId: rc.referralId, summonsRequestId: sr.summonsRequestId, withdrawnBy: input.by, reason: input.reason, withdrawnAt: now.toISOString(), automatic: input.automatic },
      { key: rc.referralId, correlationId: cause.correlationId, causationId: cause.causationId },
    );
    await this.figures.bump(m, cellOf(rc), { summonsWithdrawn: 1 });
  }

  async history(m: EntityManager, summonsRequestId: string, action: string, status: SummonsStatus, by: string, detail: JsonObject = {}): Promise<void> {
    await m.save(SummonsRequestHistoryEntity, m.create(SummonsRequestHistoryEntity, { summonsRequestId, action, status, actedBy: by, actedAt: this.clock.now(), detail }));
  }

  // ---- the courts unit's API ----

  async list(filters: ListFilters) {
    const qb = this.dataSource.getRepository(SummonsRequestEntity).createQueryBuilder('s');
    if (filters.status) qb.andWhere('s.status = :status', { status: filters.status });
    if (filters.area) qb.andWhere('s.area = :area', { area: filters.area });
    if (filters.from) qb.andWhere('s.requested_at >= :from', { from: isIsoDate(filters.from) ? startOfUkDay(filters.from) : new Date(filters.from) });
    if (filters.to) qb.andWhere('s.requested_at <= :to', { to: isIsoDate(filters.to) ? endOfUkDay(filters.to) : new Date(filters.to) });
    const [items, total] = await qb.orderBy('s.requested_at', 'ASC').addOrderBy('s.summons_request_id', 'ASC').skip(filters.offset).take(filters.limit).getManyAndCount();
    return { total, limit: filters.limit, offset: filters.offset, items: items.map((s) => this.summary(s)) };
  }

  async get(id: string) {
    const sr = await this.dataSource.getRepository(SummonsRequestEntity).findOne({ where: { summonsRequestId: id } });
    if (!sr) throw new NotFoundException({ statusCode: 404, error: 'Not Found', code: 'summons-request-not-found', message: `no summons request ${id}` });
    const history = await this.dataSource.getRepository(SummonsRequestHistoryEntity).find({ where: { summonsRequestId: id }, order: { id: 'ASC' } });
    return this.view(sr, history);
  }

  async acknowledge(id: string, acknowledgedBy: string, correlationId?: string) {
    await this.mutate(id, async (m, sr) => {
      if (sr.status !== 'pending') throw conflict('not-pending', `summons request ${id} is ${sr.status}; only a pending request can be acknowledged`);
      const now = this.clock.now();
      await m.update(SummonsRequestEntity, { summonsRequestId: id }, { status: 'acknowledged', acknowledgedAt: now, acknowledgedBy, updatedAt: now });
      await this.history(m, id, 'acknowledged', 'acknowledged', acknowledgedBy, { correlationId: correlationId ?? null });
    });
    return this.get(id);
  }

  /**
   * The courts unit's result decides the failed diversion's crime outcome (a request alone
   * is no charge): the referral's code follows it, and CourtResultRecorded tells the others.
   */
  async recordCourtResult(id: string, input: { result: string; recordedBy: string; hearingDate?: string; notes?: string }, correlationId?: string) {
    await this.mutate(id, async (m, sr, rc) => {
      if (sr.status === 'pending') throw conflict('not-acknowledged', `summons request ${id} has not been acknowledged yet; acknowledge it before recording a court result`);
      if (sr.status === 'withdrawn') throw conflict('withdrawn', `summons request ${id} was withdrawn`);
      const now = this.clock.now();
      const outcome = crimeOutcomeOfCourtResult(input.result);
      await m.update(SummonsRequestEntity, { summonsRequestId: id }, {
        status: 'court-result-recorded', courtResult: input.result, courtResultNotes: input.notes ?? null, hearingDate: input.hearingDate ?? null,
        courtResultRecordedAt: now, courtResultRecordedBy: input.recordedBy, updatedAt: now,
      });
      // A later result supersedes an earlier one; both stay in the history.
      await this.history(m, id, 'court-result-recorded', 'court-result-recorded', input.recordedBy, {
        result: input.result, hearingDate: input.hearingDate ?? null, notes: input.notes ?? null, supersedes: sr.courtResult ?? null, crimeOutcome: outcome.crimeOutcome,
      });
      if (rc.ending === 'summons-requested') {
        await m.update(ReferralCaseEntity, { referralId: rc.referralId }, { crimeOutcomeCode: outcome.crimeOutcomeCode, updatedAt: now });
      }
      const cause = causeOfRequest('record-court-result', input.recordedBy, correlationId);
      await this.outbox.publish(
        m,
        CourtResultRecorded,
        {
          referralId: rc.referralId, summonsRequestId: id, schemeId: rc.schemeId, area: rc.area, result: input.result, crimeOutcome: outcome.crimeOutcome,
          ...(outcome.crimeOutcomeCode !== null ? { crimeOutcomeCode: outcome.crimeOutcomeCode } : {}),
          recordedBy: input.recordedBy, recordedAt: now.toISOString(),
          ...(input.hearingDate ? { hearingDate: input.hearingDate } : {}),
          ...(sr.courtResult ? { supersedes: sr.courtResult } : {}),
        },
        { key: rc.referralId, correlationId: cause.correlationId, causationId: cause.causationId },
      );
    });
    return this.get(id);
  }

  async withdraw(id: string, input: { withdrawnBy: string; reason: string }, correlationId?: string) {
    await this.mutate(id, async (m, sr, rc) => {
      if (sr.status !== 'pending') {
        throw conflict('not-pending', `summons request ${id} is ${sr.status}; only a pending request (not yet acknowledged by the courts unit) can be withdrawn`);
      }
      await this.withdrawLocked(m, rc, sr, { by: input.withdrawnBy, reason: input.reason, automatic: false }, causeOfRequest('withdraw-summons-request', input.withdrawnBy, correlationId));
    });
    return this.get(id);
  }

  /** Runs a change under the referral lock and the request's row lock (same order as everywhere). */
  private async mutate(id: string, change: (m: EntityManager, sr: SummonsRequestEntity, rc: ReferralCaseEntity) => Promise<void>): Promise<void> {
    const head = await this.dataSource.getRepository(SummonsRequestEntity).findOne({ where: { summonsRequestId: id } });
    if (!head) throw new NotFoundException({ statusCode: 404, error: 'Not Found', code: 'summons-request-not-found', message: `no summons request ${id}` });
    await this.dataSource.transaction(async (m) => {
      await lockReferral(m, head.referralId);
      const rc = await m.findOneOrFail(ReferralCaseEntity, { where: { referralId: head.referralId }, lock: { mode: 'pessimistic_write' } });
      const sr = await m.findOneOrFail(SummonsRequestEntity, { where: { summonsRequestId: id }, lock: { mode: 'pessimistic_write' } });
      await change(m, sr, rc);
    });
  }

  private summary(s: SummonsRequestEntity) {
    return {
      summonsRequestId: s.summonsRequestId,
      referralId: s.referralId,
      shortRef: s.shortRef,
      status: s.status,
      schemeId: s.schemeId,
      area: s.area,
      ageBand: s.ageBand,
      personRef: s.personRef,
      offenceType: s.offenceType,
      requestedAt: iso(s.requestedAt),
      acknowledgedAt: iso(s.acknowledgedAt),
      courtResult: s.courtResult,
      withdrawnAt: iso(s.withdrawnAt),
      lateReengagementAt: iso(s.lateReengagementAt),
    };
  }

  private view(s: SummonsRequestEntity, history: SummonsRequestHistoryEntity[]) {
    return {
      ...this.summary(s),
      evidence: {
        offence: { type: s.offenceType, substance: s.substance, drugClass: s.drugClass },
        bwvReference: s.bwvReference,
        encounterAt: iso(s.encounterAt),
        officerCollarNumber: s.officerCollarNumber,
        reason: s.reason,
        review: { reviewId: s.reviewId, openedAt: iso(s.reviewOpenedAt), showCauseDeadline: iso(s.showCauseDeadline) },
        attendance: s.attendance,
        /** Set when an attendance inside the window reached the service after the request was acknowledged. */
        lateReengagementAt: iso(s.lateReengagementAt),
      },
      acknowledged: s.acknowledgedAt ? { at: iso(s.acknowledgedAt), by: s.acknowledgedBy } : null,
      courtResult: s.courtResultRecordedAt
        ? { result: s.courtResult, crimeOutcome: crimeOutcomeOfCourtResult(s.courtResult as string).crimeOutcome, notes: s.courtResultNotes, hearingDate: s.hearingDate, recordedAt: iso(s.courtResultRecordedAt), recordedBy: s.courtResultRecordedBy }
        : null,
      withdrawn: s.withdrawnAt ? { at: iso(s.withdrawnAt), by: s.withdrawnBy, reason: s.withdrawalReason, automatic: s.withdrawnAutomatically } : null,
      history: history.map((h) => ({ action: h.action, status: h.status, by: h.actedBy, at: iso(h.actedAt), detail: h.detail })),
    };
  }
}
