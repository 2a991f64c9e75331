import { Queue, Worker, type Processor, type WorkerOptions } from 'bullmq';
import type { JsonLogger } from '../logging/json-logger';
import { redisOptions } from '../redis';

/** Where a service's jobs live: the Redis URL and the key prefix (ServiceConfig has both). */
export interface JobStoreSettings {
  REDIS_URL: string;
  REDIS_PREFIX: string;
}

/** Logs connection errors repeated during an outage once per this many ms (each message). */
const REPEATED_ERROR_LOG_MS = 30_000;

/**
 * An 'error' listener for a queue, worker or client: without one, an outage would print
 * every reconnect failure (or, on a plain EventEmitter, throw). The first error of each
 * kind is logged at once, repeats at most every 30 s with how many were left out.
 */
export function redisErrorLogger(logger: JsonLogger, context: string, subject: string): (error: Error) => void {
  const lastLogged = new Map<string, { at: number; suppressed: number }>();
  return (error) => {
    const message = error?.message ?? String(error);
    const seen = lastLogged.get(message);
    const now = Date.now();
    if (seen && now - seen.at < REPEATED_ERROR_LOG_MS) {
      seen.suppressed++;
      return;
    }
    lastLogged.set(message, { at: now, suppressed: 0 });
    logger.warn({ msg: `${subject}: Redis error`, error: message, ...(seen?.suppressed ? { repeatsNotLogged: seen.suppressed } : {}) }, context);
  };
}

/**
 * A BullMQ queue for adding and managing jobs. Its commands wait out a short Redis outage
 * and then fail (the caller's transaction rolls back and is retried); errors are logged.
 */
export function createJobQueue<T>(name: string, settings: JobStoreSettings, logger: JsonLogger, context: string): Queue<T> {
  const queue = new Queue<T>(name, { connection: redisOptions(settings.REDIS_URL, 'queue'), prefix: settings.REDIS_PREFIX });
  queue.on('error', redisErrorLogger(logger, context, `queue ${name}`));
  return queue;
}

/**
 * A BullMQ worker that rides out Redis restarts: its connections never give up a command
 * (maxRetriesPerRequest: null) and reconnect every 2 s at most; errors are logged.
 */
export function createJobWorker<T, R = unknown>(
  name: string,
  processor: Processor<T, R>,
  settings: JobStoreSettings,
  logger: JsonLogger,
  context: string,
  options: Omit<WorkerOptions, 'connection' | 'prefix'> = {},
): Worker<T, R> {
  const worker = new Worker<T, R>(name, processor, { ...options, connection: redisOptions(settings.REDIS_URL, 'worker'), prefix: settings.REDIS_PREFIX });
  worker.on('error', redisErrorLogger(logger, context, `worker ${name}`));
  return worker;
}
