import { BaseRpcContext } from '@nestjs/microservices';
import type { DataOf, EventDefinition, EventEnvelope } from '@ddp/contracts';
import type { EntityManager } from 'typeorm';
import type { Outbox } from '../outbox/outbox';

export interface EventContextArgs {
  envelope: EventEnvelope;
  manager: EntityManager;
  outbox: Outbox;
  topic: string;
  partition: number;
  offset: string;
  attempt: number;
}

/**
 * What an @EventPattern handler gets with @Ctx(): the transaction its effect must use
 * (the inbox row for this event is already in it) and a publish helper that stages
 * follow-up events in the same transaction, caused by this one.
 */
export class EventContext extends BaseRpcContext<EventContextArgs> {
  get envelope(): EventEnvelope {
    return this.args.envelope;
  }

  /** The open transaction: write every state change through it. */
  get manager(): EntityManager {
    return this.args.manager;
  }

  get topic(): string {
    return this.args.topic;
  }

  get partition(): number {
    return this.args.partition;
  }

  get offset(): string {
    return this.args.offset;
  }

  /** 1 on the first try; more when a transient failure is being retried. */
  get attempt(): number {
    return this.args.attempt;
  }

  /** Stages an event in this transaction, with this event as its cause. */
  publish<D extends EventDefinition>(definition: D, data: DataOf<D>, key: string = this.args.envelope.key): Promise<EventEnvelope<DataOf<D>>> {
    return this.args.outbox.publish(this.args.manager, definition, data, {
      key,
      correlationId: this.args.envelope.correlationId,
      causationId: this.args.envelope.eventId,
    });
  }
}

export interface EventBatchContextArgs {
  envelopes: EventEnvelope[];
  manager: EntityManager;
  outbox: Outbox;
  topic: string;
  /** The partitions the events came from (a group may take several partitions' batches at once). */
  partitions: number[];
}

/**
 * What a batch handler (@EventPattern(batchPattern('<EventType>'))) gets with @Ctx():
 * the open transaction that already holds the inbox rows of every event of the batch.
 * The handler applies them all through `manager` (one statement per table, ideally) and
 * stages follow-up events with `outbox.stage`; any throw rolls the whole group back and
 * the consumer takes its events one by one through the ordinary handler.
 */
export class EventBatchContext extends BaseRpcContext<EventBatchContextArgs> {
  get envelopes(): EventEnvelope[] {
    return this.args.envelopes;
  }

  get manager(): EntityManager {
    return this.args.manager;
  }

  get outbox(): Outbox {
    return this.args.outbox;
  }

  get topic(): string {
    return this.args.topic;
  }

  get partitions(): number[] {
    return this.args.partitions;
  }
}

/**
 * The pattern of a batch handler for `eventType`: the consumer hands it every consecutive
 * new event of that type in a group at once. A service that declares one must also keep
 * the single-event handler (@EventPattern(eventType)): retries and fallbacks use it.
 */
export function batchPattern(eventType: string): string {
  return `${eventType}[]`;
}
