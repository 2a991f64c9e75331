import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, IsNull, type EntityManager } from 'typeorm';
import { schemeById } from '@ddp/domain';
import { Clock, JsonLogger, SERVICE_CONFIG } from '@ddp/platform';
import type { OutcomeConfig } from '../outcome.config';
import { ComplianceService } from '../referrals/compliance.service';
import { ReferralCaseEntity } from '../referrals/referral-case.entity';
import { iso, lockReferral } from '../shared/db';
import { ComplianceReviewEntity } from './compliance-review.entity';
import { ReviewWindowJobs, type ReviewWindowJobData } from './review-window.jobs';

const HOUR = 3_600_000;

export interface NoticeConfirmation {
  at: Date;
  /** sms / email (a delivery receipt), or phone / in-person / letter (recorded by a person). */
  via: string;
  by: string;
}

/**
 * The show-cause notice is the person's one chance to avoid the consequence, so its window
 * counts from when the notice is confirmed to have reached them: a delivery receipt, or the
 * provider's recorded phone call (the fallback). Until then the window does not close.
 */
@Injectable()
export class ShowCauseNoticeService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: OutcomeConfig,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(JsonLogger) private readonly logger: JsonLogger,
    @Inject(ReviewWindowJobs) private readonly jobs: ReviewWindowJobs,
    @Inject(ComplianceService) private readonly compliance: ComplianceService,
  ) {}

  /**
   * The first confirmation of an open review's notice: recorded, and the deadline moved to a
   * full window after it when that is later. Later confirmations change nothing.
   */
  async confirm(m: EntityManager, reviewId: string, confirmation: NoticeConfirmation): Promise<'confirmed' | 'already-confirmed' | 'review-closed' | 'unknown-review'> {
    const head = await m.findOne(ComplianceReviewEntity, { where: { reviewId } });
    if (!head) return 'unknown-review';
    await lockReferral(m, head.referralId);
    const rc = await m.findOneOrFail(ReferralCaseEntity, { where: { referralId: head.referralId }, lock: { mode: 'pessimistic_write' } });
    const review = await m.findOneOrFail(ComplianceReviewEntity, { where: { reviewId }, lock: { mode: 'pessimistic_write' } });
    if (review.status !== 'open') return 'review-closed';
    if (review.noticeConfirmedAt) return 'already-confirmed';
    const windowHours = schemeById(rc.schemeId)?.showCauseWindowHours;
    if (windowHours === undefined) throw new Error(`scheme ${rc.schemeId} of review ${reviewId} is not configured`);
    const fromConfirmation = new Date(confirmation.at.getTime() + windowHours * HOUR);
    const moved = fromConfirmation.getTime() > review.showCauseDeadline.getTime();
    const showCauseDeadline = moved ? fromConfirmation : review.showCauseDeadline;
    const decideAt = new Date(showCauseDeadline.getTime() + this.config.SHOW_CAUSE_GRACE_MS);
    await m.update(ComplianceReviewEntity, { reviewId }, {
      noticeConfirmedAt: confirmation.at, noticeConfirmedVia: confirmation.via, noticeConfirmedBy: confirmation.by, showCauseDeadline, decideAt,
    });
    if (moved) await this.jobs.moveTo(reviewId, review.referralId, decideAt);
    this.logger.log({ msg: 'show-cause notice confirmed', reviewId, via: confirmation.via, showCauseDeadline: iso(showCauseDeadline), moved }, 'ShowCauseNotice');
    return 'confirmed';
  }

  /** A person (the provider after phoning, a supervisor) records that the notice reached the person. */
  async confirmByRequest(reviewId: string, input: { confirmedBy: string; via: string }) {
    const result = await this.dataSource.transaction((m) => this.confirm(m, reviewId, { at: this.clock.now(), via: input.via, by: input.confirmedBy }));
    if (result === 'unknown-review') throw new NotFoundException({ statusCode: 404, error: 'Not Found', code: 'review-not-found', message: `no compliance review ${reviewId}` });
    if (result === 'review-closed') throw new ConflictException({ statusCode: 409, error: 'Conflict', code: 'review-closed', message: `compliance review ${reviewId} is already closed` });
    return this.noticeView(reviewId);
  }

  async noticeView(reviewId: string) {
    const r = await this.dataSource.getRepository(ComplianceReviewEntity).findOne({ where: { reviewId } });
    if (!r) throw new NotFoundException({ statusCode: 404, error: 'Not Found', code: 'review-not-found', message: `no compliance review ${reviewId}` });
    return {
      reviewId: r.reviewId, status: r.status, showCauseDeadline: iso(r.showCauseDeadline), decideAt: iso(r.decideAt),
      notice: r.noticeConfirmedAt ? { confirmedAt: iso(r.noticeConfirmedAt), via: r.noticeConfirmedVia, by: r.noticeConfirmedBy } : null,
    };
  }

  /**
   * Open reviews whose notice has not been confirmed to reach the person, oldest first, with
   * whether their window is already held (its first deadline and grace passed): the worklist of
   * people the provider or a supervisor still has to reach.
   */
  async awaitingNotice() {
    const now = this.clock.now();
    const rows = await this.dataSource.getRepository(ComplianceReviewEntity).find({ where: { status: 'open', noticeConfirmedAt: IsNull() }, order: { openedAt: 'ASC' }, take: 500 });
    return {
      items: rows.map((r) => ({
        reviewId: r.reviewId, referralId: r.referralId, openedAt: iso(r.openedAt), showCauseDeadline: iso(r.showCauseDeadline), held: r.decideAt.getTime() <= now.getTime(),
      })),
    };
  }

  /**
   * The window job: a review whose notice was never confirmed is held open (it is decided a
   * full window after a confirmation); one whose deadline moved waits for its new job.
   */
  async decide(job: ReviewWindowJobData): Promise<string> {
    const review = await this.dataSource.getRepository(ComplianceReviewEntity).findOne({ where: { reviewId: job.reviewId } });
    if (review?.status === 'open') {
      if (this.clock.now().getTime() < review.decideAt.getTime()) return 'not-due';
      if (this.config.SHOW_CAUSE_NOTICE_CONFIRMATION === 'required' && !review.noticeConfirmedAt) {
        this.logger.warn({ msg: 'show-cause window held: the notice was never confirmed delivered', reviewId: review.reviewId }, 'ShowCauseNotice');
        return 'held-notice-unconfirmed';
      }
    }
    return this.compliance.closeWindow(job);
  }
}
