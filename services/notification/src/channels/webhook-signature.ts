import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-ddp-signature';
export const TIMESTAMP_HEADER = 'x-ddp-timestamp';
export const DELIVERY_HEADER = 'x-ddp-delivery-id';

/**
 * `sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">`. The timestamp is signed too,
 * so a receiver that refuses old timestamps also refuses replays.
 */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export function verifyWebhookSignature(secret: string, timestamp: string, body: string, signature: string): boolean {
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
