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
