import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule, type Clock } from '@ddp/platform';
import { OUTCOME_MIGRATIONS } from './migrations';
import type { OutcomeConfig } from './outcome.config';
import { TrackedReferralEntity } from './tracking/tracked-referral.entity';
import { TrackingConsumer } from './tracking/tracking.consumer';

export const OUTCOME_ENTITIES = [TrackedReferralEntity];

@Module({})
export class OutcomeAppModule {
  static register(config: OutcomeConfig, clock?: Clock): DynamicModule {
    return {
      module: OutcomeAppModule,
      imports: [PlatformModule.forService({ service: 'outcome', config, entities: OUTCOME_ENTITIES, migrations: OUTCOME_MIGRATIONS, clock })],
      controllers: [TrackingConsumer],
    };
  }
}
