import { ConflictException, Inject, Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { ReferralWithdrawn, TOPICS } from '@ddp/contracts';
import {
  IllegalTransitionError, isTerminal, PROVIDERS, schemeById, transition, WITHDRAWAL_REASONS, type ReferralStatus,
} from '@ddp/domain';
import { Clock, Outbox } from '@ddp/platform';
import { DataSource, type EntityManager } from 'typeorm';
import { DiversionHistoryService } from '../history/diversion-history.service';
import { explainReason } from '../intake/decline-reasons';
import { TimelineService } from '../timeline/timeline.service';
import { TimelineEntryEntity } from '../timeline/timeline-entry.entity';
import { ReferralEntity } from './referral.entity';
import type { ContactsView, ContactView, ReferralSummaryView, ReferralView, WithdrawalView } from './referral.views';

export function referralNotFound(id: string): NotFoundException {
  return new NotFoundException({ statusCode: 404, error: 'Not Found', code: 'referral-not-found', message: `No referral has the id ${id}.` });
}

/** Reads of referrals, and withdrawal. */
@Injectable()
export class ReferralsService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Outbox) private readonly outbox: Outbox,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(DiversionHistoryService) private readonly history: DiversionHistoryService,
    @Inject(TimelineService) private readonly timeline: TimelineService,
  ) {}

  async get(id: string): Promise<ReferralView> {
    const referral = await this.dataSource.getRepository(ReferralEntity).findOneBy({ id });
    if (!referral) throw referralNotFound(id);
    const entries = await this.dataSource.getRepository(TimelineEntryEntity).find({ where: { referralId: id } });
    entries.sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || Number(a.id) - Number(b.id));
    return {
      ...summaryOf(referral),
      encounterId: referral.encounterId,
      statusChangedAt: referral.statusChangedAt.toISOString(),
      reasons: referral.reasons.map((code) => ({ code, explanation: explainReason(code) })),
      schemeConsidered: referral.schemeConsidered,
      provider: referral.providerId ? { id: referral.providerId, name: PROVIDERS.find((p) => p.id === referral.providerId)?.name ?? referral.providerId } : null,
      assessmentDeadline: referral.assessmentDeadline?.toISOString() ?? null,
      officerCollarNumber: referral.officerCollarNumber,
      withdrawal: referral.withdrawnAt
        ? { reasonCode: referral.withdrawalReason!, withdrawnBy: referral.withdrawnBy!, withdrawnAt: referral.withdrawnAt.toISOString() }
        : null,
      nextSteps: referral.answer.nextSteps,
      timeline: entries.map((e) => ({ eventType: e.eventType, occurredAt: e.occurredAt.toISOString(), summary: e.summary, status: e.status })),
    };
  }

  /** A person's referrals and declines, newest first (by the indexed person reference). */
  async findByPerson(personRef: string): Promise<ReferralSummaryView[]> {
    const rows = await this.dataSource.getRepository(ReferralEntity).find({ where: { personRef }, order: { decidedAt: 'DESC' } });
    return rows.map(summaryOf);
  }

  async findByShortRef(shortRef: string): Promise<ReferralSummaryView[]> {
    const rows = await this.dataSource.getRepository(ReferralEntity).find({ where: { shortRef } });
    return rows.map(summaryOf);
  }

  /**
   * Withdraws a live referral with one of the domain's reason codes, through the
   * domain's lifecycle: 422 for an unknown reason, 409 when the referral has ended (or
   * was declined). The row is locked, so two withdrawals at once give one 200 and one 409.
   */
  async withdraw(id: string, reasonCode: string, withdrawnBy: string, correlationId: string): Promise<WithdrawalView> {
    if (!WITHDRAWAL_REASONS.some((r) => r.code === reasonCode)) {
      throw new UnprocessableEntityException({
        statusCode: 422, error: 'Unprocessable Entity', code: 'unknown-withdrawal-reason',
        message: `'${reasonCode}' is not a withdrawal reason. Use one of: ${WITHDRAWAL_REASONS.map((r) => r.code).join(', ')}.`,
      });
    }
    return this.dataSource.transaction(async (manager) => {
      const referral = await manager.getRepository(ReferralEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!referral) throw referralNotFound(id);
      if (referral.decision !== 'referred') {
        throw new ConflictException({
          statusCode: 409, error: 'Conflict', code: `referral-${referral.decision}`,
          message: `${referral.shortRef} was ${referral.decision}, so there is no referral to withdraw.`,
        });
      }
      this.assertWithdrawable(referral, reasonCode);
      const now = this.clock.now();
      await manager.update(ReferralEntity, { id }, { withdrawnAt: now, withdrawnBy, withdrawalReason: reasonCode });
      const envelope = await this.outbox.publish(manager, ReferralWithdrawn, { referralId: id, reasonCode, withdrawnBy, withdrawnAt: now.toISOString() }, { key: id, correlationId });
      await this.timeline.record(manager, {
        referralId: id, eventId: envelope.eventId, eventType: envelope.eventType, occurredAt: new Date(envelope.occurredAt),
        summary: `Withdrawn by ${withdrawnBy}: ${WITHDRAWAL_REASONS.find((r) => r.code === reasonCode)!.description}`,
        status: 'withdrawn', sourceTopic: TOPICS.referral,
      });
      await this.recordWithdrawnHistory(manager, referral, envelope.eventId, now);
      return { referralId: id, shortRef: referral.shortRef, status: 'withdrawn', reasonCode, withdrawnBy, withdrawnAt: now.toISOString() };
    });
  }

  private assertWithdrawable(referral: ReferralEntity, reasonCode: string): void {
    const status = referral.status as ReferralStatus;
    const scheme = referral.schemeId ? schemeById(referral.schemeId) : undefined;
    const ended = () =>
      new ConflictException({
        statusCode: 409, error: 'Conflict', code: 'referral-ended',
        message: `${referral.shortRef} is already ${status}, so it cannot be withdrawn.`,
      });
    if (!scheme) {
      if (isTerminal(status)) throw ended();
      return;
    }
    try {
      transition(status, { type: 'withdrawn', reasonCode }, scheme);
    } catch (error) {
      if (error instanceof IllegalTransitionError) throw ended();
      throw error;
    }
  }

  private async recordWithdrawnHistory(manager: EntityManager, referral: ReferralEntity, eventId: string, now: Date): Promise<void> {
    await this.history.record(manager, {
      referralId: referral.id, personRef: referral.personRef, schemeId: referral.schemeId!, outcome: 'withdrawn', decidedAt: now,
      sourceEventType: 'ReferralWithdrawn', sourceEventId: eventId, recordedAt: now,
    });
  }

  /**
   * The minimum the notification service needs to reach a referred person (fetched at
   * send time, so an erased or corrected detail is never sent from a stale copy).
   */
  async contact(referralId: string): Promise<ContactView> {
    const [found] = (await this.contacts([referralId])).contacts;
    if (!found) {
      throw new NotFoundException({
        statusCode: 404, error: 'Not Found', code: 'contact-not-found',
        message: `No contact details are held for referral ${referralId}.`,
      });
    }
    return found;
  }

  /**
   * Contact details of several referrals with one query: the notification service asks for
   * the person's details of every notice at send time, and batches the asks of the
   * deliveries it runs at once. `missing`: unknown referrals, declines, erased details.
   */
  async contacts(referralIds: string[]): Promise<ContactsView> {
    const rows: Array<{
      id: string; short_ref: string; officer_collar_number: string; area: string; scheme_id: string | null; provider_id: string | null; age_band: string | null;
      given_name: string; phone: string | null; email: string | null; guardian: { name: string; phone?: string; email?: string } | null;
    }> =
      await this.dataSource.query(
        `SELECT r.id, r.short_ref, r.officer_collar_number, r.area, r.scheme_id, r.provider_id, r.age_band, p.given_name, p.phone, p.email, p.guardian
           FROM referral r JOIN referral_person p ON p.referral_id = r.id WHERE r.id = ANY($1::uuid[])`,
        [referralIds],
      );
    const byId = new Map(rows.map((row) => [row.id, row]));
    const contacts: ContactView[] = [];
    const missing: string[] = [];
    for (const referralId of new Set(referralIds)) {
      const row = byId.get(referralId);
      if (!row) {
        missing.push(referralId);
        continue;
      }
      contacts.push({
        referralId,
        shortRef: row.short_ref,
        givenName: row.given_name,
        contact: { ...(row.phone && { phone: row.phone }), ...(row.email && { email: row.email }) },
        officerCollarNumber: row.officer_collar_number,
        area: row.area,
        schemeId: row.scheme_id!,
        ...(row.provider_id && { providerId: row.provider_id }),
        ...(row.age_band && { ageBand: row.age_band }),
        ...(row.guardian && { guardian: { name: row.guardian.name, ...(row.guardian.phone && { phone: row.guardian.phone }), ...(row.guardian.email && { email: row.guardian.email }) } }),
      });
    }
    return { contacts, missing };
  }
}

function summaryOf(referral: ReferralEntity): ReferralSummaryView {
  const scheme = referral.schemeId ?? referral.schemeConsidered;
  return {
    referralId: referral.id,
    shortRef: referral.shortRef,
    personRef: referral.personRef,
    decision: referral.decision,
    status: referral.status,
    scheme: scheme ? { id: scheme, name: schemeById(scheme)?.name ?? scheme } : null,
    area: referral.area,
    ageBand: referral.ageBand,
    offenceType: referral.offence.type,
    encounterAt: referral.encounterAt.toISOString(),
    decidedAt: referral.decidedAt.toISOString(),
  };
}
