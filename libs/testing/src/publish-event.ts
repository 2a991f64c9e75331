import { randomUUID } from 'node:crypto';
import { createEnvelope, HEADERS, type DataOf, type EventDefinition, type EventEnvelope, type ProducerName } from '@ddp/contracts';
import type { Producer } from 'kafkajs';

export interface PublishMeta {
  /** Kafka key: the referral id. */
  key: string;
  /** The service the test plays, e.g. 'outcome'. */
  producer: ProducerName;
  correlationId?: string;
  occurredAt?: Date;
}

/**
 * Plays another service: builds a valid envelope for `definition` (validated like the
 * outbox does) and produces it straight to the definition's topic, with the platform's
 * headers. Returns the envelope, e.g. to wait for its effect by eventId.
 */
export async function publishEvent<D extends EventDefinition>(producer: Producer, definition: D, data: DataOf<D>, meta: PublishMeta): Promise<EventEnvelope<DataOf<D>>> {
  const envelope = createEnvelope(definition, data, {
    producer: meta.producer,
    key: meta.key,
    correlationId: meta.correlationId ?? randomUUID(),
    occurredAt: meta.occurredAt ?? new Date(),
  });
  await producer.send({
    topic: definition.topic,
    acks: -1,
    messages: [{
      key: meta.key,
      value: JSON.stringify(envelope),
      headers: {
        [HEADERS.eventType]: envelope.eventType,
        [HEADERS.eventVersion]: String(envelope.eventVersion),
        [HEADERS.eventId]: envelope.eventId,
        [HEADERS.correlationId]: envelope.correlationId,
      },
    }],
  });
  return envelope as EventEnvelope<DataOf<D>>;
}
