import { Inject, Injectable } from '@nestjs/common';
import { IllegalTransitionError, transition, type LifecycleEvent, type ReferralStatus } from '@ddp/domain';
import { PermanentError } from '@ddp/platform';
import type { EntityManager } from 'typeorm';
import { notFound } from '../common/api-error';
import { ProviderDirectory } from '../providers/provider-directory';
import { ReferralStatusChangeEntity } from './referral-status-change.entity';
import { SchedulingReferralEntity } from './scheduling-referral.entity';

/**
 * Moves a referral's status only through libs/domain `transition` (an illegal move throws
 * IllegalTransitionError: 409 on the API, dead letter on a consumer) and appends each move
 * to referral_status_change.
 */
@Injectable()
export class ReferralLifecycle {
  constructor(@Inject(ProviderDirectory) private readonly directory: ProviderDirectory) {}

  /** The status `event` leads to, or IllegalTransitionError; changes nothing. */
  next(referral: SchedulingReferralEntity, event: LifecycleEvent): ReferralStatus {
    const scheme = this.directory.scheme(referral.schemeId);
    if (!scheme) throw new PermanentError(`referral ${referral.referralId} names an unknown scheme ${referral.schemeId}`, 'unknown-scheme');
    return transition(referral.status, event, scheme);
  }

  /** Whether `event` is allowed now. */
  allows(referral: SchedulingReferralEntity, event: LifecycleEvent): boolean {
    try {
      this.next(referral, event);
      return true;
    } catch (error) {
      if (error instanceof IllegalTransitionError) return false;
      throw error;
    }
  }

  async move(manager: EntityManager, referral: SchedulingReferralEntity, event: LifecycleEvent, by: string, at: Date, detail?: string): Promise<ReferralStatus> {
    const to = this.next(referral, event);
    await this.record(manager, referral, to, event.type, by, at, detail);
    return to;
  }

  /**
   * Sets a status decided elsewhere (the outcome service owns compliance reviews) when the
   * domain's transition cannot express the jump from this service's possibly older view.
   */
  async mirror(manager: EntityManager, referral: SchedulingReferralEntity, to: ReferralStatus, eventType: string, by: string, at: Date, detail: string): Promise<void> {
    if (referral.status === to) return;
    await this.record(manager, referral, to, eventType, by, at, detail);
  }

  /** Appends a history row without a status change (e.g. an escalation). */
  async note(manager: EntityManager, referral: SchedulingReferralEntity, eventType: string, by: string, at: Date, detail?: string): Promise<void> {
    await manager.insert(ReferralStatusChangeEntity, {
      referralId: referral.referralId, fromStatus: referral.status, toStatus: referral.status, lifecycleEvent: eventType, at, by, detail: detail ?? null,
    });
  }

  /** Loads a referral with a row lock (FOR UPDATE): every change to a referral starts here. */
  async lock(manager: EntityManager, referralId: string): Promise<SchedulingReferralEntity | null> {
    return manager.findOne(SchedulingReferralEntity, { where: { referralId }, lock: { mode: 'pessimistic_write' } });
  }

  /** Locks a referral held by `providerId`, or 404. */
  async lockForProvider(manager: EntityManager, referralId: string, providerId: string): Promise<SchedulingReferralEntity> {
    const referral = await this.lock(manager, referralId);
    if (!referral || referral.providerId !== providerId) {
      throw notFound('referral-not-found', `No referral ${referralId} is held by provider ${providerId}`);
    }
    return referral;
  }

  private async record(manager: EntityManager, referral: SchedulingReferralEntity, to: ReferralStatus, eventType: string, by: string, at: Date, detail?: string): Promise<void> {
    await manager.insert(ReferralStatusChangeEntity, {
      referralId: referral.referralId, fromStatus: referral.status, toStatus: to, lifecycleEvent: eventType, at, by, detail: detail ?? null,
    });
    await manager.update(SchedulingReferralEntity, { referralId: referral.referralId }, { status: to, updatedAt: at });
    referral.status = to;
    referral.updatedAt = at;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
