import { createEnvelope, HEADERS, type DataOf, type EventDefinition, type EventEnvelope, type ProducerName } from '@ddp/contracts';
import type { EntityManager } from 'typeorm';
import type { Clock } from '../clock/clock';

export interface Causation {
  /** The referral id: Kafka key of the event. */
  key: string;
  correlationId: string;
  /** The event (or request) that caused this one. */
  causationId?: string | null;
}

/**
 * Writes events to the outbox inside the caller's transaction: the state change and
 * its events commit together or not at all. This is the only way the platform
 * publishes; the relay does the Kafka side.
 */
export class Outbox {
  private readonly listeners: Array<() => void> = [];

  constructor(
    private readonly producer: ProducerName,
    private readonly clock: Clock,
  ) {}

  /** Validates `data` against its contract (throws ContractViolation) and stages it. */
  async publish<D extends EventDefinition>(manager: EntityManager, definition: D, data: DataOf<D>, causation: Causation): Promise<EventEnvelope<DataOf<D>>> {
    const envelope = createEnvelope(definition, data, {
      producer: this.producer,
      key: causation.key,
      correlationId: causation.correlationId,
      causationId: causation.causationId ?? null,
      occurredAt: this.clock.now(),
    });
    await this.stage(manager, definition.topic, [envelope]);
    return envelope;
  }

  /** Stages already-built envelopes (one round trip for many). */
  async stage(manager: EntityManager, topic: string, envelopes: EventEnvelope[]): Promise<void> {
    if (envelopes.length === 0) return;
    const values: unknown[] = [];
    const rows = envelopes.map((e, i) => {
      const headers = {
        [HEADERS.eventType]: e.eventType,
        [HEADERS.eventVersion]: String(e.eventVersion),
        [HEADERS.eventId]: e.eventId,
        [HEADERS.correlationId]: e.correlationId,
      };
      values.push(e.eventId, topic, e.key, e.eventType, JSON.stringify(e), JSON.stringify(headers));
      const b = i * 6;
      return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}::jsonb, $${b + 6}::jsonb)`;
    });
    await manager.query(
      `INSERT INTO outbox_message (event_id, topic, message_key, event_type, payload, headers) VALUES ${rows.join(', ')}`,
      values,
    );
    // Wake the relay once the caller's transaction has had time to commit; if it rolled
    // back there is simply nothing new to send.
    setImmediate(() => this.listeners.forEach((l) => l()));
  }

  /** The relay subscribes to hear that rows were staged (saves waiting for a poll). */
  onStaged(listener: () => void): void {
    this.listeners.push(listener);
  }
}
