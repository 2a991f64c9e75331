import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule } from '@ddp/platform';
import { EncountersConsumer } from './encounters/encounters.consumer';
import { EncountersController } from './encounters/encounters.controller';
import { REFERRAL_MIGRATIONS } from './migrations';
import type { ReferralConfig } from './referral.config';
import { ReferralEntity } from './referrals/referral.entity';
import { ReferralsService } from './referrals/referrals.service';
import type { Clock } from '@ddp/platform';

export const REFERRAL_ENTITIES = [ReferralEntity];

@Module({})
export class ReferralAppModule {
  static register(config: ReferralConfig, clock?: Clock): DynamicModule {
    return {
      module: ReferralAppModule,
      imports: [PlatformModule.forService({ service: 'referral', config, entities: REFERRAL_ENTITIES, migrations: REFERRAL_MIGRATIONS, clock })],
      controllers: [EncountersController, EncountersConsumer],
      providers: [ReferralsService],
    };
  }
}
