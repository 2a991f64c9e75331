import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { Encounter, EventEnvelope } from '@ddp/contracts';
import { EventContext } from '@ddp/platform';
import { ReferralsService } from '../referrals/referrals.service';

/** Encounters produced by police systems to police.encounters.v1 (validated by the subscription). */
@Controller()
export class EncountersConsumer {
  constructor(@Inject(ReferralsService) private readonly referrals: ReferralsService) {}

  @EventPattern('EncounterReported')
  async onEncounter(@Payload() event: EventEnvelope<Encounter>, @Ctx() _ctx: EventContext): Promise<void> {
    await this.referrals.intake(event.data, event.correlationId);
  }
}
