import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { Encounter, EventEnvelope } from '@ddp/contracts';
import { EventContext } from '@ddp/platform';
import { correlationIdFrom } from '../correlation';
import { IntakeService } from '../intake/intake.service';

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
    await this.intake.intake(
      event.data,
      { correlationId: correlationIdFrom(event.correlationId, event.data.encounterId), causationId: event.eventId.slice(0, 100) },
      ctx.manager,
    );
  }
}
