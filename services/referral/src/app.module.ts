import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule, type Clock } from '@ddp/platform';
import { EncountersConsumer } from './encounters/encounters.consumer';
import { EncountersController } from './encounters/encounters.controller';
import { DiversionHistoryEntity } from './history/diversion-history.entity';
import { DiversionHistoryService } from './history/diversion-history.service';
import { IntakeService } from './intake/intake.service';
import { ContactController } from './internal/contact.controller';
import { InternalTokenGuard } from '@ddp/platform';
import { REFERRAL_MIGRATIONS } from './migrations';
import type { ReferralConfig } from './referral.config';
import { ReferralPersonEntity } from './referrals/referral-person.entity';
import { ReferralEntity } from './referrals/referral.entity';
import { ReferralsController } from './referrals/referrals.controller';
import { ReferralsService } from './referrals/referrals.service';
import { DiversionEventsConsumer } from './timeline/diversion-events.consumer';
import { TimelineEntryEntity } from './timeline/timeline-entry.entity';
import { TimelineService } from './timeline/timeline.service';

export const REFERRAL_ENTITIES = [ReferralEntity, ReferralPersonEntity, TimelineEntryEntity, DiversionHistoryEntity];

@Module({})
export class ReferralAppModule {
  static register(config: ReferralConfig, clock?: Clock): DynamicModule {
    return {
      module: ReferralAppModule,
      imports: [PlatformModule.forService({ service: 'referral', config, entities: REFERRAL_ENTITIES, migrations: REFERRAL_MIGRATIONS, clock })],
      controllers: [EncountersController, ReferralsController, ContactController, EncountersConsumer, DiversionEventsConsumer],
      providers: [IntakeService, ReferralsService, TimelineService, DiversionHistoryService, InternalTokenGuard],
    };
  }
}
