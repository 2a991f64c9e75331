import { loadNotificationConfig } from '../notification.config';
import { parseDeliveryRateLimits } from './delivery-rate-limits';

describe('delivery rate limits', () => {
  it("gives the channels sent through Notify Notify's 3,000 a minute, paced per second and shared between them", () => {
    expect(parseDeliveryRateLimits('', ['sms'])).toEqual({ sms: { max: 50, durationMs: 1000 }, email: null, webhook: null });
    expect(parseDeliveryRateLimits('', ['sms', 'email'])).toEqual({ sms: { max: 25, durationMs: 1000 }, email: { max: 25, durationMs: 1000 }, webhook: null });
    expect(parseDeliveryRateLimits('', [])).toEqual({ sms: null, email: null, webhook: null });
  });

  it('takes per-channel limits per second or per minute, and off', () => {
    expect(parseDeliveryRateLimits('webhook:20/s, sms:1200/min', ['sms'])).toEqual({ sms: { max: 20, durationMs: 1000 }, email: null, webhook: { max: 20, durationMs: 1000 } });
    // Fewer than one a second keeps its own window rather than rounding to nothing.
    expect(parseDeliveryRateLimits('email:30/min', [])).toEqual({ sms: null, email: { max: 30, durationMs: 60000 }, webhook: null });
    expect(parseDeliveryRateLimits('sms:off', ['sms']).sms).toBeNull();
  });

  it.each([
    ['sms=50/s', '"sms=50/s" is not channel:count/s, channel:count/min or channel:off'],
    ['fax:5/s', '"fax" is not a channel (email, sms, webhook)'],
    ['sms:0/s', 'sms: the count must be at least 1 (or off)'],
    ['sms:5/s,sms:6/s', 'sms is given twice'],
    ['sms:5/hour', '"sms:5/hour" is not channel:count/s, channel:count/min or channel:off'],
  ])('refuses %s', (text, message) => {
    expect(() => parseDeliveryRateLimits(text, [])).toThrow(message);
  });

  it('is checked when the service starts, naming the variable', () => {
    expect(() => loadNotificationConfig({ DELIVERY_RATE_LIMITS: 'sms:lots' })).toThrow(/DELIVERY_RATE_LIMITS \(got "sms:lots"\): "sms:lots" is not channel:count/);
  });
});
