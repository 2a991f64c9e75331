/**
 * A failed delivery attempt. `permanent` means retrying cannot help (no address on
 * record, a refused payload, no endpoint configured): the notification fails at once.
 * Messages must not contain personal data; callers scrub them anyway.
 */
export class DeliveryError extends Error {
  constructor(message: string, readonly permanent: boolean, readonly code = permanent ? 'delivery-refused' : 'delivery-failed') {
    super(message);
    this.name = 'DeliveryError';
  }
}

export const permanentFailure = (message: string, code?: string) => new DeliveryError(message, true, code);
export const transientFailure = (message: string, code?: string) => new DeliveryError(message, false, code);

/**
 * The channel asked us to slow down (GOV.UK Notify's 429): nothing is wrong with the
 * notice, so no attempt is spent. It waits `retryAfterMs`, and so does its channel's queue.
 */
export class ChannelBusy extends Error {
  constructor(message: string, readonly retryAfterMs: number) {
    super(message);
    this.name = 'ChannelBusy';
  }
}

/** HTTP statuses worth another try: timeouts, rate limits, server trouble. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}
