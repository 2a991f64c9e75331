import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule, REDIS_LOSS_WATCH_PROVIDER, type Clock } from '@ddp/platform';
import { CHANNEL_ADAPTERS, type ChannelAdapter } from './channels/channel-adapter';
import { createChannelAdapters } from './channels/channel-adapters.factory';
import { DeliveryLogController } from './deliveries/delivery-log.controller';
import { NotificationAttemptEntity, NotificationEntity } from './deliveries/notification.entity';
import { DeliveryProcessor, TEMPLATE_STORE } from './delivery/delivery.processor';
import { DeliveryQueues } from './delivery/delivery-queues';
import { DeliveryRuntime } from './delivery/delivery-runtime';
import { JobDispatcher } from './delivery/job-dispatcher';
import { RecipientResolver } from './delivery/recipient-resolver';
import { NOTIFICATION_MIGRATIONS } from './migrations';
import type { NotificationConfig } from './notification.config';
import { OutcomeEventsConsumer, ReferralEventsConsumer, SchedulingEventsConsumer } from './planning/events.consumer';
import { NotificationPlanner } from './planning/notification-planner.service';
import { ReferralStateEntity } from './planning/referral-state.entity';
import { PreferenceEntity } from './preferences/preference.entity';
import { PreferencesController } from './preferences/preferences.controller';
import { PreferencesService } from './preferences/preferences.service';
import { CONTACT_SOURCE } from './recipients/contact-source.token';
import { ReferralContactClient, type ContactSource } from './recipients/contact.client';
import { DeliveryReceiptsController } from './receipts/delivery-receipts.controller';
import { DeliveryReceiptsService } from './receipts/delivery-receipts.service';
import { InternalTokenGuard } from '@ddp/platform';
import { ProviderContactEntity, RecipientEndpointEntity } from './recipients/recipient-endpoint.entity';
import { RecipientDirectory } from './recipients/recipient-directory';
import { RecipientEndpointsController } from './recipients/recipient-endpoints.controller';
import { checkTemplateFiles } from './templates/catalogue-check';
import { TemplateStore } from './templates/template-renderer';

export const NOTIFICATION_ENTITIES = [
  NotificationEntity, NotificationAttemptEntity, PreferenceEntity, RecipientEndpointEntity, ProviderContactEntity, ReferralStateEntity,
];

/** Replaceable parts, for tests that need a channel or contact source of their own. */
export interface NotificationOverrides {
  adapters?: Partial<Record<'email' | 'sms' | 'webhook', ChannelAdapter>>;
  contacts?: ContactSource;
}

@Module({})
export class NotificationAppModule {
  static register(config: NotificationConfig, clock?: Clock, overrides: NotificationOverrides = {}): DynamicModule {
    return {
      module: NotificationAppModule,
      imports: [PlatformModule.forService({ service: 'notification', config, entities: NOTIFICATION_ENTITIES, migrations: NOTIFICATION_MIGRATIONS, clock })],
      controllers: [ReferralEventsConsumer, SchedulingEventsConsumer, OutcomeEventsConsumer, DeliveryLogController, PreferencesController, RecipientEndpointsController, DeliveryReceiptsController],
      providers: [
        { provide: CHANNEL_ADAPTERS, useFactory: () => ({ ...createChannelAdapters(config), ...overrides.adapters }) },
        { provide: CONTACT_SOURCE, useFactory: () => overrides.contacts ?? new ReferralContactClient(config.REFERRAL_SERVICE_URL, config.INTERNAL_API_TOKEN, config.CONTACT_TIMEOUT_MS) },
        {
          provide: TEMPLATE_STORE,
          useFactory: () => {
            const store = new TemplateStore();
            checkTemplateFiles(store);
            return store;
          },
        },
        InternalTokenGuard,
        PreferencesService,
        DeliveryReceiptsService,
        RecipientDirectory,
        RecipientResolver,
        DeliveryQueues,
        JobDispatcher,
        NotificationPlanner,
        DeliveryProcessor,
        DeliveryRuntime,
        REDIS_LOSS_WATCH_PROVIDER,
      ],
    };
  }
}
