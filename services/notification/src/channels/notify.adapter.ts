import { NotifyClient } from 'notifications-node-client';
import type { Channel } from '../templates/catalogue';
import type { ChannelAdapter, DeliveryReceipt, OutgoingMessage } from './channel-adapter';
import { ChannelBusy, isRetryableStatus, permanentFailure, transientFailure } from './delivery-error';

/*
 * Notify answers 429 in two cases (GOV.UK Notify API documentation, "Rate limits" and
 * "Daily limits"): `RateLimitError`, more than 3,000 requests a minute, which refills at 50 a
 * second, so a second's wait is enough; `TooManyRequestsError`, the service's daily limit
 * for that kind of message, which lifts only the next day: we look again every 15 minutes.
 */
const RATE_LIMIT_WAIT_MS = 1_000;
const DAILY_LIMIT_WAIT_MS = 15 * 60_000;

export interface NotifySettings {
  apiKey: string;
  baseUrl: string;
  /** A Notify template whose body is `((body))` (and subject `((subject))` for e-mail). */
  templateId: string;
  timeoutMs: number;
}

/**
 * SMS or e-mail through the GOV.UK Notify API. Our own template files render the text;
 * the Notify template only carries it (`((subject))`, `((body))`). The notification id
 * goes as Notify's `reference`, so a message can be traced on both sides.
 */
export class NotifyAdapter implements ChannelAdapter {
  readonly via = 'notify';
  private readonly client: NotifyClient;

  constructor(readonly channel: Extract<Channel, 'sms' | 'email'>, private readonly settings: NotifySettings) {
    this.client = new NotifyClient(settings.baseUrl, settings.apiKey);
    // The client sets no timeout: wrap its own HTTP function (axios, kept by the client) to add one,
    // rather than depend on axios directly.
    const inner = (this.client as unknown as { apiClient?: { restClient?: (options: object) => Promise<unknown> } }).apiClient?.restClient;
    if (typeof inner === 'function') {
      const withTimeout = (options: object) => inner({ ...options, timeout: settings.timeoutMs });
      this.client.setClient(withTimeout as unknown as Parameters<NotifyClient['setClient']>[0]);
    }
  }

  async send(message: OutgoingMessage): Promise<DeliveryReceipt> {
    try {
      const response =
        this.channel === 'sms'
          ? await this.client.sendSms(this.settings.templateId, message.to, { personalisation: { body: message.body }, reference: message.notificationId })
          : await this.client.sendEmail(this.settings.templateId, message.to, {
              personalisation: { subject: message.subject ?? '', body: message.body },
              reference: message.notificationId,
            });
      return { providerMessageId: response.data.id };
    } catch (error) {
      const e = error as { response?: { status: number; data?: { errors?: Array<{ error?: string; message?: string }> } }; code?: string; message?: string };
      if (e.response) {
        const detail = (e.response.data?.errors ?? []).map((x) => `${x.error ?? ''} ${x.message ?? ''}`.trim()).join('; ');
        const text = `GOV.UK Notify answered HTTP ${e.response.status}${detail ? `: ${detail}` : ''}`.slice(0, 400);
        if (e.response.status === 429) {
          const daily = (e.response.data?.errors ?? []).some((x) => x.error === 'TooManyRequestsError');
          throw new ChannelBusy(text, daily ? DAILY_LIMIT_WAIT_MS : RATE_LIMIT_WAIT_MS);
        }
        throw isRetryableStatus(e.response.status) ? transientFailure(text, 'notify-unavailable') : permanentFailure(text, 'notify-refused');
      }
      throw transientFailure(`GOV.UK Notify unreachable (${e.code ?? e.message ?? 'error'})`, 'notify-unavailable');
    }
  }
}
