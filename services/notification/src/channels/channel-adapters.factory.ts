import { smsAvailable, type NotificationConfig } from '../notification.config';
import type { ChannelAdapters } from './channel-adapter';
import { NotifyAdapter } from './notify.adapter';
import { SmtpEmailAdapter } from './smtp-email.adapter';
import { WebhookAdapter } from './webhook.adapter';

/** The adapters this deployment has: e-mail by SMTP or Notify (EMAIL_CHANNEL), SMS by Notify when configured, webhooks always. */
export function createChannelAdapters(config: NotificationConfig): ChannelAdapters {
  const notify = (channel: 'sms' | 'email', templateId: string) =>
    new NotifyAdapter(channel, { apiKey: config.NOTIFY_API_KEY!, baseUrl: config.NOTIFY_BASE_URL, templateId, timeoutMs: config.NOTIFY_TIMEOUT_MS });
  return {
    webhook: new WebhookAdapter(config.WEBHOOK_TIMEOUT_MS),
    email: config.EMAIL_CHANNEL === 'notify' ? notify('email', config.NOTIFY_EMAIL_TEMPLATE_ID!) : new SmtpEmailAdapter(config.SMTP_URL, config.EMAIL_FROM),
    ...(smsAvailable(config) ? { sms: notify('sms', config.NOTIFY_SMS_TEMPLATE_ID!) } : {}),
  };
}
