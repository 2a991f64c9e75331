import { randomUUID } from 'node:crypto';
import {
  createEnvelope, HEADERS, TOPICS, type DataOf, type EventDefinition, type EventEnvelope, type ProducerName, type ReferralCreatedData,
} from '@ddp/contracts';
import type { Producer } from 'kafkajs';

type Overrides<T> = { [K in keyof T]?: T[K] };

/**
 * The data of a valid ReferralCreated in one line: an adult in Windsor & Maidenhead under
 * the deferred-prosecution pilot, interviewed on body-worn video. Override what the test is
 * about, e.g. aReferralCreated({ schemeId: 'thames-valley-youth-diversion', ageBand: 'youth' }).
 */
export function aReferralCreated(overrides: Overrides<ReferralCreatedData> = {}): ReferralCreatedData {
  const id = randomUUID();
  return {
    referralId: id,
    shortRef: 'ABCD-2345',
    encounterId: `ENC-${id}`,
    personRef: `PNC-${id.slice(0, 8)}`,
    schemeId: 'windsor-maidenhead-deferred-prosecution-pilot-adult',
    area: 'windsor-maidenhead',
    ageBand: 'adult',
    offenceType: 'possession',
    substance: 'cannabis',
    drugClass: 'B',
    encounterAt: '2020-06-10T20:15:00Z',
    assessmentDeadline: '2020-06-11T22:59:59.999Z',
    providerId: 'cranstoun-windsor-maidenhead',
    officerCollarNumber: 'TV4172',
    bwvReference: `BWV-${id.slice(0, 8)}`,
    ...overrides,
  };
}

/** Which service owns (produces) each platform topic. */
const OWNER: Record<string, ProducerName> = {
  [TOPICS.referral]: 'referral',
  [TOPICS.scheduling]: 'provider-scheduling',
  [TOPICS.outcome]: 'outcome',
  [TOPICS.notification]: 'notification',
};

/** A valid envelope as the owning service would publish it (key = data.referralId unless given). */
export function envelopeFor<D extends EventDefinition>(
  definition: D,
  data: DataOf<D>,
  meta: { key?: string; occurredAt?: Date; correlationId?: string; producer?: ProducerName } = {},
): EventEnvelope<DataOf<D>> {
  return createEnvelope(definition, data, {
    producer: meta.producer ?? OWNER[definition.topic] ?? 'referral',
    key: meta.key ?? (data as { referralId?: string }).referralId ?? randomUUID(),
    correlationId: meta.correlationId ?? randomUUID(),
    occurredAt: meta.occurredAt ?? new Date(),
  }) as EventEnvelope<DataOf<D>>;
}

/** Produces an already-built envelope (again, to test redelivery) with the platform's headers. */
export async function sendEnvelope(producer: Producer, topic: string, envelope: EventEnvelope): Promise<void> {
  await sendEnvelopes(producer, topic, [envelope]);
}

/** Produces envelopes in one request: a partition's share arrives as one Kafka batch (what batch handlers get). */
export async function sendEnvelopes(producer: Producer, topic: string, envelopes: EventEnvelope[]): Promise<void> {
  await producer.send({
    topic,
    acks: -1,
    messages: envelopes.map((envelope) => ({
      key: envelope.key,
      value: JSON.stringify(envelope),
      headers: {
        [HEADERS.eventType]: envelope.eventType,
        [HEADERS.eventVersion]: String(envelope.eventVersion),
        [HEADERS.eventId]: envelope.eventId,
        [HEADERS.correlationId]: envelope.correlationId,
      },
    })),
  });
}
