import { Inject, Injectable } from '@nestjs/common';
import type { ComplianceReviewClosedData, ComplianceReviewOpenedData, ReferralWithdrawnData } from '@ddp/contracts';
import { isTerminal, type ReferralStatus } from '@ddp/domain';
import { AppointmentStore } from '../appointments/appointment-store';
import type { UnitOfWork } from '../common/unit-of-work';
import { CourseEntity } from '../courses/course.entity';
import { CourseService } from '../courses/course.service';
import { ReferralLifecycle } from './referral-lifecycle';
import { SchedulingReferralEntity } from './scheduling-referral.entity';

/**
 * What other services decide about a referral and this service follows: a withdrawal
 * (referral service) and compliance reviews (outcome service). A referral that ends
 * loses its open appointments (cancelled, places given back) and their jobs.
 */
@Injectable()
export class ReferralClosing {
  constructor(
    @Inject(ReferralLifecycle) private readonly lifecycle: ReferralLifecycle,
    @Inject(AppointmentStore) private readonly appointments: AppointmentStore,
    @Inject(CourseService) private readonly courses: CourseService,
  ) {}

  async withdraw(uow: UnitOfWork, data: ReferralWithdrawnData): Promise<void> {
    const referral = await this.lifecycle.lock(uow.manager, data.referralId);
    if (!referral || isTerminal(referral.status)) return; // unknown here, or already over
    // libs/domain refuses an unknown reason code (IllegalTransitionError → dead letter).
    await this.lifecycle.move(uow.manager, referral, { type: 'withdrawn', reasonCode: data.reasonCode }, uow.actor, uow.now, `withdrawn by ${data.withdrawnBy} (${data.reasonCode})`);
    await uow.manager.update(SchedulingReferralEntity, { referralId: referral.referralId }, {
      withdrawnAt: new Date(data.withdrawnAt), withdrawnBy: data.withdrawnBy, withdrawalReason: data.reasonCode,
    });
    await this.endAppointments(uow, referral.referralId, `referral withdrawn (${data.reasonCode})`);
  }

  async reviewOpened(uow: UnitOfWork, data: ComplianceReviewOpenedData): Promise<void> {
    const referral = await this.lifecycle.lock(uow.manager, data.referralId);
    if (!referral || isTerminal(referral.status) || referral.status === 'non-compliance-review') return;
    const detail = `review ${data.reviewId} opened (${data.trigger})`;
    if (this.lifecycle.allows(referral, { type: 'review-opened' })) {
      await this.lifecycle.move(uow.manager, referral, { type: 'review-opened' }, uow.actor, uow.now, detail);
    } else {
      await this.lifecycle.mirror(uow.manager, referral, 'non-compliance-review', 'review-opened', uow.actor, uow.now, `${detail}; mirrored from the outcome service`);
    }
  }

  async reviewClosed(uow: UnitOfWork, data: ComplianceReviewClosedData): Promise<void> {
    const referral = await this.lifecycle.lock(uow.manager, data.referralId);
    if (!referral || isTerminal(referral.status)) return;
    const detail = `review ${data.reviewId} closed: ${data.resolution}`;
    const resolution = data.resolution as ReferralStatus;
    if (resolution === 'excused') {
      if (referral.status !== 'non-compliance-review') return; // already moved on
      await this.lifecycle.move(uow.manager, referral, { type: 're-engaged' }, uow.actor, uow.now, detail);
      // Back on the course it was on; sessions held while the review was open (the re-engagement) may have finished it.
      const open = await uow.manager.find(CourseEntity, { where: { referralId: referral.referralId, status: 'booked' } });
      if (open.length > 0) await this.lifecycle.move(uow.manager, referral, { type: 'rebooked' }, uow.actor, uow.now, 'back on the course after the excused review');
      for (const course of open) await this.courses.completeIfDone(uow, referral, course.id);
      return;
    }
    const viaDomain = referral.status === 'non-compliance-review' && this.lifecycle.next(referral, { type: 'review-closed-without-engagement' }) === resolution;
    if (viaDomain) await this.lifecycle.move(uow.manager, referral, { type: 'review-closed-without-engagement' }, uow.actor, uow.now, detail);
    else await this.lifecycle.mirror(uow.manager, referral, resolution, 'review-closed-without-engagement', uow.actor, uow.now, `${detail}; mirrored from the outcome service`);
    await this.endAppointments(uow, referral.referralId, `compliance review closed (${data.resolution})`);
  }

  private async endAppointments(uow: UnitOfWork, referralId: string, reason: string): Promise<void> {
    await this.appointments.cancelOpen(uow, referralId, reason, { releaseWeek: true });
    await uow.manager.update(CourseEntity, { referralId, status: 'booked' }, { status: 'cancelled', cancelledAt: uow.now, cancelReason: reason });
  }
}
