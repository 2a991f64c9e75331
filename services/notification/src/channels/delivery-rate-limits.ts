import { CHANNELS, type Channel } from '../templates/catalogue';

/**
 * How fast each channel may send: BullMQ's limiter for the channel's queue (shared by every
 * replica through Redis). `null`: no limit of ours.
 */
export interface RateLimit {
  max: number;
  durationMs: number;
}
export type DeliveryRateLimits = Record<Channel, RateLimit | null>;

/**
 * GOV.UK Notify accepts 3,000 requests a minute per API key type, refilled continuously
 * (50 a second), and answers 429 `RateLimitError` beyond that; SMS and e-mail sent with
 * the same key share it. Source: GOV.UK Notify API documentation, "Rate limits"
 * (docs.notifications.service.gov.uk/rest-api.html#rate-limits).
 */
export const NOTIFY_REQUESTS_PER_MINUTE = 3_000;

/**
 * Parses `DELIVERY_RATE_LIMITS`: comma-separated `channel:count/s`, `channel:count/min` or
 * `channel:off`, e.g. `sms:1500/min,webhook:20/s`. A channel it does not name keeps its
 * default: the channels that send through Notify share Notify's limit between them; SMTP
 * e-mail and webhooks have none. Rates are paced per second where they allow it
 * (3,000/min → 50 a second), so a minute's allowance never goes in its first second.
 */
export function parseDeliveryRateLimits(text: string, notifyChannels: ReadonlyArray<'sms' | 'email'>): DeliveryRateLimits {
  const limits = Object.fromEntries(CHANNELS.map((c) => [c, null])) as DeliveryRateLimits;
  for (const channel of notifyChannels) limits[channel] = perSecondWhereItCan(NOTIFY_REQUESTS_PER_MINUTE / notifyChannels.length, 60_000);
  const seen = new Set<string>();
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const match = /^([a-z]+)\s*:\s*(?:(off)|(\d+)\s*\/\s*(s|min))$/.exec(part);
    if (!match) throw new Error(`"${part}" is not channel:count/s, channel:count/min or channel:off`);
    const [, channel, off, count, unit] = match;
    if (!(CHANNELS as readonly string[]).includes(channel)) throw new Error(`"${channel}" is not a channel (${CHANNELS.join(', ')})`);
    if (seen.has(channel)) throw new Error(`${channel} is given twice`);
    seen.add(channel);
    if (off) {
      limits[channel as Channel] = null;
      continue;
    }
    if (Number(count) < 1) throw new Error(`${channel}: the count must be at least 1 (or off)`);
    limits[channel as Channel] = perSecondWhereItCan(Number(count), unit === 's' ? 1_000 : 60_000);
  }
  return limits;
}

/** `count` per `durationMs` as a count per second when that is at least one, else as given. */
function perSecondWhereItCan(count: number, durationMs: number): RateLimit {
  const perSecond = (count * 1_000) / durationMs;
  return perSecond >= 1 ? { max: Math.floor(perSecond), durationMs: 1_000 } : { max: count, durationMs };
}
