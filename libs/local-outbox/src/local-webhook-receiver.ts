import { createHmac, timingSafeEqual } from 'node:crypto';
import { listenOnLoopback, sendJson } from './local-http';

export interface WebhookDelivery {
  path: string;
  headers: Record<string, string>;
  raw: string;
  json: any;
  /** Whether x-ddp-signature matched HMAC-SHA256(secret, "<x-ddp-timestamp>.<raw body>"). */
  signatureValid: boolean;
  status: number;
  /** When it arrived (ms since epoch, this process's clock). */
  receivedAt: number;
}

export interface LocalWebhookReceiver {
  url: string;
  secret: string;
  deliveries: WebhookDelivery[];
  /** Deliveries received so far (also when they are not kept). */
  readonly received: number;
  /** Decide the HTTP answer per delivery (default 200); e.g. () => 500 to test retries. */
  respondWith(decide: ((d: WebhookDelivery, index: number) => number) | null): void;
  stop(): Promise<void>;
}

/** Verifies a platform webhook signature the way a receiving system would. */
export function verifyDdpSignature(secret: string, timestamp: string, raw: string, signature: string): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(`${timestamp}.${raw}`).digest('hex')}`);
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/**
 * A provider's or the courts unit's system on loopback: records each signed POST and answers
 * as told. `keep: false` only counts them (a benchmark sends tens of thousands).
 */
export async function startLocalWebhookReceiver(secret = 'test-webhook-secret-0123456789', options: { keep?: boolean; port?: number; host?: string } = {}): Promise<LocalWebhookReceiver> {
  const deliveries: WebhookDelivery[] = [];
  let received = 0;
  let decide: ((d: WebhookDelivery, index: number) => number) | null = null;
  const http = await listenOnLoopback((req, res, raw) => {
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v[0] : String(v ?? '')]));
    let json: unknown = null;
    try {
      json = JSON.parse(raw);
    } catch {
      json = null;
    }
    const delivery: WebhookDelivery = {
      path: req.url ?? '/',
      headers,
      raw,
      json,
      signatureValid: verifyDdpSignature(secret, headers['x-ddp-timestamp'] ?? '', raw, headers['x-ddp-signature'] ?? ''),
      status: 200,
      receivedAt: Date.now(),
    };
    delivery.status = delivery.signatureValid ? (decide ? decide(delivery, deliveries.length) : 200) : 401;
    received++;
    if (options.keep !== false) deliveries.push(delivery);
    sendJson(res, delivery.status, { received: delivery.status < 300 });
  }, options.port, options.host);
  return {
    url: `${http.url}/hooks`,
    secret,
    deliveries,
    get received() {
      return received;
    },
    respondWith(fn) {
      decide = fn;
    },
    stop: http.stop,
  };
}
