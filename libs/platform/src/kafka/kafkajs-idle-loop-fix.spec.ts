import { fixKafkajsIdleLoop } from './kafkajs-idle-loop-fix';

/*
 * kafkajs' request queue (one per broker connection) with the fix installed: after an
 * answer with nothing else waiting it arms no timer (kafkajs 2.2.4 re-armed a 1 ms one
 * forever), and a request held back by the broker's throttle still goes when it ends.
 */

interface Queue {
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  push(request: { entry: Entry; expectResponse: boolean; sendRequest: () => void }): void;
  fulfillRequest(response: { correlationId: number; payload: Buffer; size: number }): void;
  destroy(): void;
}

interface Entry {
  correlationId: number;
  resolve: (response: unknown) => void;
  reject: (error: unknown) => void;
}
const entry = (correlationId: number): Entry => ({ correlationId, resolve: () => undefined, reject: () => undefined });

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

const queues: Queue[] = [];
afterEach(() => queues.splice(0).forEach((q) => q.destroy()));

function aQueue(): Queue {
  fixKafkajsIdleLoop();
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- kafkajs internals, as the fix patches them
  const RequestQueue = require('kafkajs/src/network/requestQueue') as new (options: object) => Queue;
  const queue = new RequestQueue({ maxInFlightRequests: null, requestTimeout: 30_000, enforceRequestTimeout: false, clientId: 'spec', broker: '127.0.0.1:9092', logger: silent });
  queues.push(queue);
  return queue;
}

describe('kafkajs idle loop fix', () => {
  it('arms no timer once a request is answered and nothing else waits', () => {
    const queue = aQueue();
    const sent: number[] = [];
    queue.push({ entry: entry(1), expectResponse: true, sendRequest: () => sent.push(1) });
    queue.fulfillRequest({ correlationId: 1, payload: Buffer.alloc(0), size: 0 });

    expect(sent).toEqual([1]);
    expect(queue.throttleCheckTimeoutId).toBeNull();
  });

  it('sends a request held back by the broker throttle once the throttle ends', async () => {
    const queue = aQueue();
    const sent: number[] = [];
    queue.throttledUntil = Date.now() + 40;
    queue.push({ entry: entry(2), expectResponse: true, sendRequest: () => sent.push(2) });
    expect(sent).toEqual([]);
    expect(queue.throttleCheckTimeoutId).not.toBeNull();

    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(sent).toEqual([2]);
    queue.fulfillRequest({ correlationId: 2, payload: Buffer.alloc(0), size: 0 });
    expect(queue.throttleCheckTimeoutId).toBeNull();
  });
});
