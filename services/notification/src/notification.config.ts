import { ServiceConfig, loadConfig } from '@ddp/platform';

/** Environment of the notification service (see ServiceConfig for the shared variables). */
export class NotificationConfig extends ServiceConfig {}

export function loadNotificationConfig(env: Record<string, string | undefined> = process.env): NotificationConfig {
  return loadConfig(NotificationConfig, env, {
    PORT: 3004,
    DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/ddp_notification',
  });
}
