import { Inject, Injectable, Logger } from '@nestjs/common';
import { ReferralCreated, ReferralDeclined, TOPICS, type Encounter, type EventEnvelope } from '@ddp/contracts';
import { decideEligibility, routeProvider, type EligibilityDecision, type Provider } from '@ddp/domain';
import { Clock, Outbox } from '@ddp/platform';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { DiversionHistoryService } from '../history/diversion-history.service';
import { newShortRef } from '../referrals/short-ref';
import { TimelineService } from '../timeline/timeline.service';
import { equalityOf, offenceRecord, referralCreatedData, referralDeclinedData, toEncounterFacts } from './encounter-mapping';
import { buildOfficerAnswer, type OfficerAnswer } from './officer-answer';

export interface IntakeResult {
  answer: OfficerAnswer;
  /** false when the encounter had been decided before (by either path): the same answer again. */
  created: boolean;
}

export interface IntakeMeta {
  correlationId: string;
  causationId?: string | null;
}

/** A short reference collides about once in 10^10 draws: a few tries always suffice. */
const SHORT_REF_ATTEMPTS = 5;

/**
 * Intake of an encounter, the one behaviour behind both paths (HTTP and
 * police.encounters.v1): decide through libs/domain with the person's history, store the
 * decision (and, when referred, the personal details) with its event and first timeline
 * entry, all in one transaction. Idempotent by encounterId, also under concurrent
 * duplicates: the unique encounter_id decides who stores, the others re-read its answer.
 */
@Injectable()
export class IntakeService {
  private readonly logger = new Logger('Intake');

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Outbox) private readonly outbox: Outbox,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(DiversionHistoryService) private readonly history: DiversionHistoryService,
    @Inject(TimelineService) private readonly timeline: TimelineService,
  ) {}

  /**
   * Decides on an encounter. `manager`: the consumer's open transaction (the inbox row is
   * in it); without one, the intake opens its own.
   */
  async intake(encounter: Encounter, meta: IntakeMeta, manager?: EntityManager): Promise<IntakeResult> {
    const earlier = await this.answerFor(manager ?? this.dataSource.manager, encounter.encounterId);
    if (earlier) return { answer: earlier, created: false };
    return manager ? this.decideAndStore(manager, encounter, meta) : this.dataSource.transaction((m) => this.decideAndStore(m, encounter, meta));
  }

  private async answerFor(manager: EntityManager, encounterId: string): Promise<OfficerAnswer | undefined> {
    const rows: Array<{ answer: OfficerAnswer }> = await manager.query('SELECT answer FROM referral WHERE encounter_id = $1', [encounterId]);
    return rows[0]?.answer;
  }

  private async decideAndStore(manager: EntityManager, encounter: Encounter, meta: IntakeMeta): Promise<IntakeResult> {
    const personRef = encounter.person.personRef;
    const history = await this.history.historyOf(manager, personRef);
    const decision = decideEligibility(toEncounterFacts(encounter), history);
    const encounterAt = new Date(encounter.occurredAt);
    const provider = decision.eligible && decision.scheme && decision.ageBand
      ? routeProvider({ area: encounter.area, ageBand: decision.ageBand, schemeId: decision.scheme.id, at: encounterAt })
      : undefined;
    const now = this.clock.now();

    let stored: { referralId: string; answer: OfficerAnswer } | undefined;
    for (let attempt = 1; attempt <= SHORT_REF_ATTEMPTS && !stored; attempt++) {
      const referralId = randomUUID();
      const answer = buildOfficerAnswer({ referralId, shortRef: newShortRef(), decision, provider, decidedAt: now });
      if (await this.insertReferral(manager, encounter, decision, provider, answer, meta, now)) {
        stored = { referralId, answer };
        break;
      }
      // Nothing inserted: either this encounter was stored meanwhile (a concurrent
      // duplicate: ON CONFLICT waited for it to commit), or the short reference was taken.
      const winner = await this.answerFor(manager, encounter.encounterId);
      if (winner) return { answer: winner, created: false };
      this.logger.warn({ msg: 'short reference collision; drawing another', attempt });
    }
    if (!stored) throw new Error(`no free short reference after ${SHORT_REF_ATTEMPTS} attempts`);

    const { referralId, answer } = stored;
    let envelope: EventEnvelope;
    const causation = { key: referralId, correlationId: meta.correlationId, causationId: meta.causationId ?? null };
    if (answer.decision === 'referred') {
      await this.insertPerson(manager, referralId, encounter, now);
      await this.history.record(manager, {
        referralId, personRef, schemeId: decision.scheme!.id, outcome: 'in-progress', decidedAt: encounterAt,
        sourceEventType: 'ReferralCreated', sourceEventId: null, recordedAt: now,
      }, { isNew: true });
      envelope = await this.outbox.publish(manager, ReferralCreated, referralCreatedData(referralId, answer.shortRef, encounter, decision, provider), causation);
      await this.timeline.append(manager, {
        referralId, eventId: envelope.eventId, eventType: envelope.eventType, occurredAt: new Date(envelope.occurredAt),
        summary: `Referred to ${provider?.name ?? 'a drug service (to be arranged)'} under ${decision.scheme!.name}; assessment due ${answer.assessmentDeadline?.ukLocal}.`,
        status: 'referred', sourceTopic: TOPICS.referral,
      });
    } else {
      envelope = await this.outbox.publish(manager, ReferralDeclined, referralDeclinedData(referralId, encounter, decision), causation);
      await this.timeline.append(manager, {
        referralId, eventId: envelope.eventId, eventType: envelope.eventType, occurredAt: new Date(envelope.occurredAt),
        summary: `Declined: ${decision.reasons.join(', ')}.`, status: 'declined', sourceTopic: TOPICS.referral,
      });
    }
    return { answer, created: true };
  }

  /** INSERT ... ON CONFLICT DO NOTHING: true when stored, false when encounter or short reference was taken. */
  private async insertReferral(
    manager: EntityManager, encounter: Encounter, decision: EligibilityDecision, provider: Provider | undefined,
    answer: OfficerAnswer, meta: IntakeMeta, now: Date,
  ): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO referral (
         id, encounter_id, short_ref, person_ref, decision, status, status_changed_at, reasons, scheme_id, scheme_considered,
         provider_id, area, age_band, offence, indicators, encounter_at, encounter_local_date, assessment_deadline,
         officer_collar_number, bwv_reference, answer, provenance, correlation_id, decided_at)
       VALUES ($1, $2, $3, $4, $5, $5, $6, $7::jsonb, $8, $9, $10, $11, $12, $13::jsonb, $14::jsonb, $15, $16, $17, $18, $19, $20::json, $21::jsonb, $22, $6)
       ON CONFLICT DO NOTHING RETURNING id`,
      [
        answer.referralId, encounter.encounterId, answer.shortRef, encounter.person.personRef, answer.decision, now,
        JSON.stringify(decision.reasons), decision.scheme?.id ?? null, decision.schemeConsidered?.id ?? null, provider?.id ?? null,
        encounter.area, decision.ageBand ?? null, JSON.stringify(offenceRecord(encounter)),
        JSON.stringify({ suspectedSupply: encounter.indicators.suspectedSupply, linkedToSubstanceMisuse: encounter.indicators.linkedToSubstanceMisuse ?? null }),
        new Date(encounter.occurredAt), decision.localDate, decision.assessmentDeadline ?? null, encounter.officer.collarNumber,
        encounter.bwvReference ?? null, JSON.stringify(answer), JSON.stringify(decision.provenance), meta.correlationId,
      ],
    );
    return rows.length === 1;
  }

  private async insertPerson(manager: EntityManager, referralId: string, encounter: Encounter, now: Date): Promise<void> {
    const { person } = encounter;
    const equality = equalityOf(encounter);
    await manager.query(
      `INSERT INTO referral_person (referral_id, person_ref, given_name, family_name, date_of_birth, phone, email, sex, ethnicity, recorded_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        referralId, person.personRef, person.givenName, person.familyName, person.dateOfBirth, person.contact?.phone ?? null,
        person.contact?.email ?? null, equality?.sex ?? null, equality?.ethnicity ?? null, now,
      ],
    );
  }
}
