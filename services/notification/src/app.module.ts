import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule, type Clock } from '@ddp/platform';
import { NotificationEntity } from './deliveries/notification.entity';
import { SchedulingConsumer } from './deliveries/scheduling.consumer';
import { NOTIFICATION_MIGRATIONS } from './migrations';
import type { NotificationConfig } from './notification.config';

export const NOTIFICATION_ENTITIES = [NotificationEntity];

@Module({})
export class NotificationAppModule {
  static register(config: NotificationConfig, clock?: Clock): DynamicModule {
    return {
      module: NotificationAppModule,
      imports: [PlatformModule.forService({ service: 'notification', config, entities: NOTIFICATION_ENTITIES, migrations: NOTIFICATION_MIGRATIONS, clock })],
      controllers: [SchedulingConsumer],
    };
  }
}
