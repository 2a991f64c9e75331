import type { LoggerService } from '@nestjs/common';
import { describeErrorSafely, isTransientError } from './errors';

export interface RetryTransientOptions {
  logger: Pick<LoggerService, 'warn'>;
  /** The log context (the class doing the work). */
  context: string;
  /** Tries in all, the first included (default 10: about 30 s with the default pauses). */
  attempts?: number;
  /** First pause (default 200 ms); it doubles after each try, up to maxDelayMs (default 5 s). */
  baseDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * Runs `work`, trying again with backoff while it fails transiently (a deadlock, a
 * serialization failure, a dependency refusing connections: isTransientError) and
 * logging each retry with what was being done. Anything else, and the last try's
 * failure, is thrown. For work a service does once and must not die of, such as a
 * start-up pass over its rows.
 */
export async function retryTransient<T>(what: string, work: () => Promise<T>, options: RetryTransientOptions): Promise<T> {
  const { logger, context, attempts = 10, baseDelayMs = 200, maxDelayMs = 5000 } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts || !isTransientError(error)) throw error;
      const delayMs = Math.min(baseDelayMs * 2 ** (attempt - 1), maxDelayMs);
      logger.warn({ msg: `${what} failed transiently; trying again`, attempt, delayMs, error: describeErrorSafely(error) }, context);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
