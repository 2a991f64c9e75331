import { smsAvailable, type NotificationConfig } from '../notification.config';
import type { ChannelAdapters } from './channel-adapter';
import type { NotifyAdapter } from './notify.adapter';
import type { SmtpEmailAdapter } from './smtp-email.adapter';
import { WebhookAdapter } from './webhook.adapter';

/*
 * The SMTP and Notify adapters are loaded only when this deployment uses them: the Notify
 * client brings axios and lodash (about 5 MB of heap), nodemailer about 2 MB, in every
 * process that never sends through them otherwise (Issue 8, memory per service).
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const notifyAdapter = (): typeof NotifyAdapter => (require('./notify.adapter') as typeof import('./notify.adapter')).NotifyAdapter;
const smtpAdapter = (): typeof SmtpEmailAdapter => (require('./smtp-email.adapter') as typeof import('./smtp-email.adapter')).SmtpEmailAdapter;
/* eslint-enable @typescript-eslint/no-require-imports */

/** The adapters this deployment has: e-mail by SMTP or Notify (EMAIL_CHANNEL), SMS by Notify when configured, webhooks always. */
export function createChannelAdapters(config: NotificationConfig): ChannelAdapters {
  const notify = (channel: 'sms' | 'email', templateId: string) =>
    new (notifyAdapter())(channel, { apiKey: config.NOTIFY_API_KEY!, baseUrl: config.NOTIFY_BASE_URL, templateId, timeoutMs: config.NOTIFY_TIMEOUT_MS });
  return {
    webhook: new WebhookAdapter(config.WEBHOOK_TIMEOUT_MS),
    email: config.EMAIL_CHANNEL === 'notify' ? notify('email', config.NOTIFY_EMAIL_TEMPLATE_ID!) : new (smtpAdapter())(config.SMTP_URL, config.EMAIL_FROM),
    ...(smsAvailable(config) ? { sms: notify('sms', config.NOTIFY_SMS_TEMPLATE_ID!) } : {}),
  };
}
