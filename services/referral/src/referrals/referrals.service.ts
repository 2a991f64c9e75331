import { Inject, Injectable } from '@nestjs/common';
import { ReferralCreated, type Encounter } from '@ddp/contracts';
import { Clock, Outbox } from '@ddp/platform';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ReferralEntity } from './referral.entity';
import { newShortRef } from './short-ref';

export interface IntakeAnswer {
  referralId: string;
  shortRef: string;
  decision: Record<string, unknown>;
  duplicate: boolean;
}

/**
 * Decides on an encounter and records it with its event, in one transaction.
 * WALKING SKELETON: every encounter is referred; the real rules come from libs/domain.
 */
@Injectable()
export class ReferralsService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Outbox) private readonly outbox: Outbox,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async intake(encounter: Encounter, correlationId: string): Promise<IntakeAnswer> {
    const existing = await this.dataSource.getRepository(ReferralEntity).findOneBy({ encounterId: encounter.encounterId });
    if (existing) return { referralId: existing.id, shortRef: existing.shortRef, decision: existing.decision, duplicate: true };
    try {
      return await this.dataSource.transaction(async (manager) => {
        const referralId = randomUUID();
        const shortRef = newShortRef();
        const deadline = new Date(Date.parse(encounter.occurredAt) + 24 * 3600 * 1000).toISOString();
        const decision = { eligible: true, schemeId: 'placeholder-scheme', assessmentDeadline: deadline, reasons: [] };
        await manager.save(ReferralEntity, {
          id: referralId, encounterId: encounter.encounterId, shortRef, status: 'referred', schemeId: 'placeholder-scheme',
          decision, encounter: encounter as unknown as Record<string, unknown>,
        });
        await this.outbox.publish(manager, ReferralCreated, {
          referralId, shortRef, encounterId: encounter.encounterId, personRef: encounter.person.personRef,
          schemeId: 'placeholder-scheme', area: encounter.area, ageBand: 'adult', offenceType: encounter.offence.type,
          encounterAt: encounter.occurredAt, assessmentDeadline: deadline, officerCollarNumber: encounter.officer.collarNumber,
        }, { key: referralId, correlationId });
        return { referralId, shortRef, decision, duplicate: false };
      });
    } catch (error) {
      // A concurrent intake of the same encounter won the unique constraint: answer with its result.
      if ((error as { code?: string }).code === '23505') {
        const winner = await this.dataSource.getRepository(ReferralEntity).findOneByOrFail({ encounterId: encounter.encounterId });
        return { referralId: winner.id, shortRef: winner.shortRef, decision: winner.decision, duplicate: true };
      }
      throw error;
    }
  }
}
