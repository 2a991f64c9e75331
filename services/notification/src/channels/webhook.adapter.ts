import { httpRequest, type HttpResponse } from '@ddp/platform';
import type { ChannelAdapter, DeliveryReceipt, OutgoingMessage } from './channel-adapter';
import { isRetryableStatus, permanentFailure, transientFailure } from './delivery-error';
import { DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, signWebhook } from './webhook-signature';

/**
 * Signed JSON webhooks to provider and court systems. 2xx is delivered; 408, 429 and
 * 5xx or no answer are retried; any other 4xx is refused for good (retrying the same
 * body cannot help).
 */
export class WebhookAdapter implements ChannelAdapter {
  readonly channel = 'webhook' as const;
  readonly via = 'webhook';

  constructor(
    private readonly timeoutMs: number,
    /** Wall-clock seconds for the signature timestamp: receivers compare it with their own clocks. */
    private readonly wallClockSeconds: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  async send(message: OutgoingMessage): Promise<DeliveryReceipt> {
    if (!message.secret) throw permanentFailure('no signing secret configured for this webhook', 'webhook-unsigned');
    const body = JSON.stringify(message.json ?? { message: message.body });
    const timestamp = String(this.wallClockSeconds());
    let res: HttpResponse;
    try {
      res = await httpRequest(message.to, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [DELIVERY_HEADER]: message.notificationId,
          [TIMESTAMP_HEADER]: timestamp,
          [SIGNATURE_HEADER]: signWebhook(message.secret, timestamp, body),
        },
        body,
        timeoutMs: this.timeoutMs,
      });
    } catch (error) {
      throw transientFailure(`webhook unreachable (${(error as Error).name}: ${(error as Error).message})`.slice(0, 400), 'webhook-unreachable');
    }
    if (res.status >= 200 && res.status <= 299) return { providerMessageId: `HTTP ${res.status}` };
    const text = `webhook answered HTTP ${res.status}`;
    throw isRetryableStatus(res.status) ? transientFailure(text, 'webhook-unavailable') : permanentFailure(text, 'webhook-refused');
  }
}
