import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { Encounter, EventEnvelope } from '@ddp/contracts';
import { batchPattern, EventBatchContext, EventContext } from '@ddp/platform';
import { correlationIdFrom } from '../correlation';
import { IntakeService, type IntakeMeta } from '../intake/intake.service';

const metaOf = (event: EventEnvelope<Encounter>): IntakeMeta => ({
  correlationId: correlationIdFrom(event.correlationId, event.data.encounterId),
  causationId: event.eventId.slice(0, 100),
});

/**
 * Encounters produced by police systems to police.encounters.v1. The subscription has
 * already validated the message (a malformed one is dead-lettered with its field
 * issues); the intake runs in the consumer's transaction, with the inbox row.
 */
@Controller()
export class EncountersConsumer {
  constructor(@Inject(IntakeService) private readonly intake: IntakeService) {}

  @EventPattern('EncounterReported')
  async onEncounter(@Payload() event: EventEnvelope<Encounter>, @Ctx() ctx: EventContext): Promise<void> {
    await this.intake.intake(event.data, metaOf(event), ctx.manager);
  }

  /** A group of encounters at once: a handful of statements instead of ~8 per encounter (throughput). */
  @EventPattern(batchPattern('EncounterReported'))
  async onEncounters(@Payload() events: Array<EventEnvelope<Encounter>>, @Ctx() ctx: EventBatchContext): Promise<void> {
    await this.intake.intakeMany(ctx.manager, events.map((event) => ({ encounter: event.data, meta: metaOf(event) })));
  }
}
