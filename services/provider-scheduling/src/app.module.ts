import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule, type Clock } from '@ddp/platform';
import { AppointmentEntity } from './assessments/appointment.entity';
import { ReferralsConsumer } from './assessments/referrals.consumer';
import { PROVIDER_SCHEDULING_MIGRATIONS } from './migrations';
import type { ProviderSchedulingConfig } from './provider-scheduling.config';

export const PROVIDER_SCHEDULING_ENTITIES = [AppointmentEntity];

@Module({})
export class ProviderSchedulingAppModule {
  static register(config: ProviderSchedulingConfig, clock?: Clock): DynamicModule {
    return {
      module: ProviderSchedulingAppModule,
      imports: [
        PlatformModule.forService({
          service: 'provider-scheduling', config, entities: PROVIDER_SCHEDULING_ENTITIES, migrations: PROVIDER_SCHEDULING_MIGRATIONS, clock,
        }),
      ],
      controllers: [ReferralsConsumer],
    };
  }
}
