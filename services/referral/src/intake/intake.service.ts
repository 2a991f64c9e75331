import { Inject, Injectable, Logger } from '@nestjs/common';
import { ContractViolation, DiversionRefused, ReferralCreated, ReferralDeclined, TOPICS, type Encounter, type EventEnvelope } from '@ddp/contracts';
import { decideEligibility, routeProvider, type DiversionHistoryEntry, type EligibilityDecision, type Provider } from '@ddp/domain';
import { Clock, writeTogether, Outbox, SERVICE_CONFIG, type RowsInsert } from '@ddp/platform';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { DiversionHistoryService, type HistoryRecord } from '../history/diversion-history.service';
import { newShortRef } from '../referrals/short-ref';
import { TimelineService, type TimelineRecord } from '../timeline/timeline.service';
import { diversionRefusedData, equalityOf, offenceRecord, referralCreatedData, referralDeclinedData, toEncounterFacts } from './encounter-mapping';
import type { ReferralConfig } from '../referral.config';
import { buildOfficerAnswer, type OfficerAnswer } from './officer-answer';
import { encounterDigest, EncounterIdReused } from './encounter-digest';

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
    @Inject(SERVICE_CONFIG) private readonly config: ReferralConfig,
  ) {}

  /**
   * An encounter cannot be decided before it happened: one dated ahead of the clock (beyond
   * the tolerance for a device clock running fast) is refused, naming the field, rather than
   * given a deadline computed from a wrong day. HTTP answers 422; on Kafka it is dead-lettered.
   */
  private assertHappened(encounter: Encounter, now: Date): void {
    const aheadMs = Date.parse(encounter.occurredAt) - now.getTime();
    if (aheadMs <= this.config.ENCOUNTER_CLOCK_TOLERANCE_MINUTES * 60_000) return;
    throw new ContractViolation('encounter', [{
      path: 'occurredAt', rule: 'notInFuture',
      message: `occurredAt ${encounter.occurredAt} is ${Math.round(aheadMs / 60_000)} minutes ahead of the time now (${now.toISOString()}): an encounter is reported after it happens; check the device's clock and time zone`,
    }]);
  }

  /**
   * Decides on an encounter. `manager`: the consumer's open transaction (the inbox row is
   * in it); without one, the intake opens its own.
   */
  async intake(encounter: Encounter, meta: IntakeMeta, manager?: EntityManager): Promise<IntakeResult> {
    const earlier = await this.answerFor(manager ?? this.dataSource.manager, encounter);
    if (earlier) return { answer: earlier, created: false };
    this.assertHappened(encounter, this.clock.now());
    return manager ? this.decideAndStore(manager, encounter, meta) : this.dataSource.transaction((m) => this.decideAndStore(m, encounter, meta));
  }

  /** The answer given before to this encounter; throws EncounterIdReused when its id came with other details. */
  private async answerFor(manager: EntityManager, encounter: Encounter): Promise<OfficerAnswer | undefined> {
    const rows: Array<{ answer: OfficerAnswer; digest: string | null }> = await manager.query(
      'SELECT answer, encounter_digest AS digest FROM referral WHERE encounter_id = $1',
      [encounter.encounterId],
    );
    if (rows[0]?.digest && rows[0].digest !== encounterDigest(encounter)) throw new EncounterIdReused(encounter.encounterId);
    return rows[0]?.answer;
  }

  /**
   * Decides a group of encounters from the consumer in one go, with one statement per
   * table: the same decisions as intake() one by one, in order (an earlier encounter of the
   * group is part of a later one's history). Encounters decided before are skipped. Throws
   * when an insert finds its encounter or short reference taken meanwhile: the consumer
   * then rolls the group back and takes its encounters one by one through intake().
   */
  async intakeMany(manager: EntityManager, items: Array<{ encounter: Encounter; meta: IntakeMeta }>): Promise<void> {
    // One read: the encounters decided before, and the diversion history of everyone in the group.
    const [read]: Array<{ decided: string[]; histories: Parameters<DiversionHistoryService['historiesFromJson']>[0] }> = await manager.query(
      `SELECT (SELECT coalesce(array_agg(encounter_id || ' ' || coalesce(encounter_digest, '')), '{}') FROM referral WHERE encounter_id = ANY($1)) AS decided,
              ${this.history.historiesJsonSql('$2')} AS histories`,
      [items.map((i) => i.encounter.encounterId), [...new Set(items.map((i) => i.encounter.person.personRef))]],
    );
    const decided = new Map(read.decided.map((d) => d.split(' ') as [string, string]));
    // An id reported before with other details is refused one by one (intake() throws EncounterIdReused).
    if (items.some((i) => decided.get(i.encounter.encounterId) && decided.get(i.encounter.encounterId) !== encounterDigest(i.encounter))) {
      throw new Error('an encounterId of the group was reported before with other details; deciding them one by one');
    }
    const skip = new Set(decided.keys());
    const fresh = items.filter((i) => {
      if (skip.has(i.encounter.encounterId)) return false;
      skip.add(i.encounter.encounterId); // a repeat inside the group has the first one's answer
      return true;
    });
    if (fresh.length === 0) return;
    const now = this.clock.now();
    // One refused encounter rolls the group back; one by one, only it is dead-lettered.
    for (const { encounter } of fresh) this.assertHappened(encounter, now);

    const histories = this.history.historiesFromJson(read.histories);
    const shortRefs = new Set<string>();
    const drafts = fresh.map(({ encounter, meta }) => {
      const personRef = encounter.person.personRef;
      const history = histories.get(personRef) ?? [];
      let shortRef = newShortRef();
      while (shortRefs.has(shortRef)) shortRef = newShortRef();
      shortRefs.add(shortRef);
      const draft = this.draft(encounter, meta, history, randomUUID(), shortRef, now);
      if (draft.answer.decision === 'referred') {
        history.push({ referralId: draft.referralId, schemeId: draft.decision.scheme!.id, outcome: 'in-progress', decidedAt: draft.encounterAt });
        histories.set(personRef, history);
      }
      return draft;
    });

    // The referrals, their people, history, events and timeline entries: one statement.
    const [inserted] = await writeTogether(manager, [
      { ...REFERRAL_INSERT, rows: drafts.map((d) => referralRow(d, now)), tail: 'ON CONFLICT DO NOTHING RETURNING id' },
      ...this.followUps(manager, drafts, now),
    ]);
    if (inserted !== drafts.length) {
      throw new Error(`${drafts.length - inserted} of ${drafts.length} encounters were stored meanwhile or drew a taken short reference; deciding them one by one`);
    }
    this.outbox.stagedIn(manager);
  }

  private async decideAndStore(manager: EntityManager, encounter: Encounter, meta: IntakeMeta): Promise<IntakeResult> {
    const history = await this.history.historyOf(manager, encounter.person.personRef);
    const now = this.clock.now();
    let stored: Draft | undefined;
    for (let attempt = 1; attempt <= SHORT_REF_ATTEMPTS && !stored; attempt++) {
      const draft = this.draft(encounter, meta, history, randomUUID(), newShortRef(), now);
      const [inserted] = await writeTogether(manager, [{ ...REFERRAL_INSERT, rows: [referralRow(draft, now)], tail: 'ON CONFLICT DO NOTHING RETURNING id' }]);
      if (inserted === 1) {
        stored = draft;
        break;
      }
      // Nothing inserted: either this encounter was stored meanwhile (a concurrent
      // duplicate: ON CONFLICT waited for it to commit), or the short reference was taken.
      const winner = await this.answerFor(manager, encounter);
      if (winner) return { answer: winner, created: false };
      this.logger.warn({ msg: 'short reference collision; drawing another', attempt });
    }
    if (!stored) throw new Error(`no free short reference after ${SHORT_REF_ATTEMPTS} attempts`);
    await this.storeFollowUps(manager, [stored], now);
    return { answer: stored.answer, created: true };
  }

  /** The decision on one encounter, with the ids it will be stored under (pure: nothing is written). */
  private draft(encounter: Encounter, meta: IntakeMeta, history: DiversionHistoryEntry[], referralId: string, shortRef: string, now: Date): Draft {
    const decision = decideEligibility(toEncounterFacts(encounter), history);
    const encounterAt = new Date(encounter.occurredAt);
    const provider = decision.route === 'referred' && decision.scheme && decision.ageBand
      ? routeProvider({ area: encounter.area, ageBand: decision.ageBand, schemeId: decision.scheme.id, at: encounterAt })
      : undefined;
    const answer = buildOfficerAnswer({ referralId, shortRef, decision, provider, decidedAt: now });
    return { encounter, meta, decision, provider, encounterAt, referralId, answer };
  }

  /** What follows a stored decision: personal details and history (referred), the event, the first timeline entry. */
  private async storeFollowUps(manager: EntityManager, drafts: Draft[], now: Date): Promise<void> {
    await writeTogether(manager, this.followUps(manager, drafts, now));
    this.outbox.stagedIn(manager);
  }

  /** What a stored decision brings with it: the person's details, history, the event and its timeline entry. */
  private followUps(manager: EntityManager, drafts: Draft[], now: Date): RowsInsert[] {
    const people: unknown[][] = [];
    const histories: HistoryRecord[] = [];
    const envelopes: EventEnvelope[] = [];
    const timeline: TimelineRecord[] = [];
    for (const d of drafts) {
      const { encounter, decision, provider, referralId, answer } = d;
      const causation = { key: referralId, correlationId: d.meta.correlationId, causationId: d.meta.causationId ?? null };
      if (answer.decision === 'referred') {
        people.push(personRow(referralId, encounter, now));
        histories.push({
          referralId, personRef: encounter.person.personRef, schemeId: decision.scheme!.id, outcome: 'in-progress', decidedAt: d.encounterAt,
          sourceEventType: 'ReferralCreated', sourceEventId: null, recordedAt: now,
        });
        const envelope = this.outbox.envelope(ReferralCreated, referralCreatedData(referralId, answer.shortRef, encounter, decision, provider), causation);
        envelopes.push(envelope);
        timeline.push({
          referralId, eventId: envelope.eventId, eventType: envelope.eventType, occurredAt: new Date(envelope.occurredAt),
          summary: `Referred to ${provider?.name ?? 'a drug service (to be arranged)'} under ${decision.scheme!.name}; assessment due ${answer.assessmentDeadline?.ukLocal}.`,
          status: 'referred', sourceTopic: TOPICS.referral,
        });
      } else if (answer.decision === 'refused') {
        const envelope = this.outbox.envelope(DiversionRefused, diversionRefusedData(referralId, encounter, decision), causation);
        envelopes.push(envelope);
        timeline.push({
          referralId, eventId: envelope.eventId, eventType: envelope.eventType, occurredAt: new Date(envelope.occurredAt),
          summary: `Eligible under ${decision.scheme!.name}; the person refused the diversion offered.`, status: 'refused', sourceTopic: TOPICS.referral,
        });
      } else {
        const envelope = this.outbox.envelope(ReferralDeclined, referralDeclinedData(referralId, encounter, decision), causation);
        envelopes.push(envelope);
        timeline.push({
          referralId, eventId: envelope.eventId, eventType: envelope.eventType, occurredAt: new Date(envelope.occurredAt),
          summary: `Declined: ${decision.reasons.join(', ')}.`, status: 'declined', sourceTopic: TOPICS.referral,
        });
      }
    }
    return [
      { ...PERSON_INSERT, rows: people },
      this.history.newRowsInsert(histories),
      this.outbox.rowsInsert(TOPICS.referral, envelopes, manager),
      this.timeline.entriesInsert(timeline),
    ];
  }
}

/** One encounter decided, not yet stored. */
interface Draft {
  encounter: Encounter;
  meta: IntakeMeta;
  decision: EligibilityDecision;
  provider: Provider | undefined;
  encounterAt: Date;
  referralId: string;
  answer: OfficerAnswer;
}

const REFERRAL_INSERT: Omit<RowsInsert, 'rows'> = {
  into: `INSERT INTO referral (
     id, encounter_id, short_ref, person_ref, decision, status, status_changed_at, reasons, scheme_id, scheme_considered,
     provider_id, area, age_band, offence, indicators, encounter_at, encounter_local_date, assessment_deadline,
     officer_collar_number, bwv_reference, answer, provenance, correlation_id, decided_at, encounter_digest)`,
  casts: ['', '', '', '', '', '', '', '::jsonb', '', '', '', '', '', '::jsonb', '::jsonb', '', '', '', '', '', '::json', '::jsonb', '', '', ''],
};

const PERSON_INSERT: Omit<RowsInsert, 'rows'> = {
  into: 'INSERT INTO referral_person (referral_id, person_ref, given_name, family_name, date_of_birth, phone, email, sex, ethnicity, guardian, recorded_at)',
  casts: ['', '', '', '', '', '', '', '', '', '::jsonb', ''],
};

function referralRow(d: Draft, now: Date): unknown[] {
  const { encounter, decision, provider, answer } = d;
  return [
    answer.referralId, encounter.encounterId, answer.shortRef, encounter.person.personRef, answer.decision, answer.decision, now,
    JSON.stringify(decision.reasons), decision.scheme?.id ?? null, decision.schemeConsidered?.id ?? null, provider?.id ?? null,
    encounter.area, decision.ageBand ?? null, JSON.stringify(offenceRecord(encounter)),
    JSON.stringify({
      suspectedSupply: encounter.indicators.suspectedSupply, linkedToSubstanceMisuse: encounter.indicators.linkedToSubstanceMisuse ?? null,
      // Diversion offered on the street and the person's answer (null: not recorded).
      offerAccepted: encounter.offer?.accepted ?? null,
    }),
    d.encounterAt, decision.localDate, decision.assessmentDeadline ?? null, encounter.officer.collarNumber,
    encounter.bwvReference ?? null, JSON.stringify(answer), JSON.stringify(decision.provenance), d.meta.correlationId, now, encounterDigest(encounter),
  ];
}

function personRow(referralId: string, encounter: Encounter, now: Date): unknown[] {
  const { person } = encounter;
  const equality = equalityOf(encounter);
  return [
    referralId, person.personRef, person.givenName, person.familyName, person.dateOfBirth, person.contact?.phone ?? null,
    person.contact?.email ?? null, equality?.sex ?? null, equality?.ethnicity ?? null, guardianRecord(encounter), now,
  ];
}

/** A parent's or guardian's contact, as stored (only for a young person). */
function guardianRecord(encounter: Encounter): string | null {
  const g = encounter.person.guardian;
  if (!g) return null;
  return JSON.stringify({
    name: g.name, ...(g.relationship != null && { relationship: g.relationship }), ...(g.phone != null && { phone: g.phone }), ...(g.email != null && { email: g.email }),
  });
}

