import { AsyncLocalStorage } from 'node:async_hooks';

/** What every log line of one request or one consumed event carries. */
export interface LogContext {
  correlationId?: string;
  eventId?: string;
  eventType?: string;
  referralId?: string;
}

const storage = new AsyncLocalStorage<LogContext>();

export const RequestContext = {
  run<T>(context: LogContext, fn: () => T): T {
    return storage.run({ ...storage.getStore(), ...context }, fn);
  },
  current(): LogContext {
    return storage.getStore() ?? {};
  },
};
