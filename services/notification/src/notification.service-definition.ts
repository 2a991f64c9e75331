import { DEAD_LETTER_TOPICS, TOPICS } from '@ddp/contracts';
import type { Clock, ServiceDefinition } from '@ddp/platform';
import { NotificationAppModule, type NotificationOverrides } from './app.module';
import { loadNotificationConfig } from './notification.config';

/** How the notification service is wired: used by main.ts and by the tests alike. */
export function notificationService(env: Record<string, string | undefined> = process.env, clock?: Clock, overrides: NotificationOverrides = {}): ServiceDefinition {
  const config = loadNotificationConfig(env);
  return {
    service: 'notification',
    module: NotificationAppModule.register(config, clock, overrides) as never,
    config,
    openApi: { title: 'Notification service', description: 'Reminders and notices over e-mail, SMS and signed webhooks, with a delivery log.' },
    consumer: {
      groupId: 'notification-service',
      deadLetterTopic: DEAD_LETTER_TOPICS.notification,
      subscriptions: [{ topic: TOPICS.referral }, { topic: TOPICS.scheduling }, { topic: TOPICS.outcome }],
    },
  };
}
