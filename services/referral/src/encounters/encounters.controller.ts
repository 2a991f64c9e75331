import { Body, Controller, HttpCode, Inject, Post, Headers } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Encounter } from '@ddp/contracts';
import { randomUUID } from 'node:crypto';
import { ReferralsService } from '../referrals/referrals.service';

@ApiTags('encounters')
@Controller('v1/encounters')
export class EncountersController {
  constructor(@Inject(ReferralsService) private readonly referrals: ReferralsService) {}

  /** An officer's device reports an encounter; the answer is the decision. */
  @Post()
  @HttpCode(200)
  async report(@Body() encounter: Encounter, @Headers('x-correlation-id') correlationId?: string) {
    return this.referrals.intake(encounter, correlationId ?? randomUUID());
  }
}
