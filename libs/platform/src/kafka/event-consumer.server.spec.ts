import { EventEmitter } from 'node:events';
import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { SystemClock } from '../clock/clock';
import { EventConsumerServer, type EventConsumerOptions } from './event-consumer.server';

/*
 * listen() and the consumer state against a stand-in for kafkajs' consumer, so the order
 * of group join, fetch and crash events is the test's to choose.
 */

const EVENTS = { GROUP_JOIN: 'consumer.group_join', FETCH: 'consumer.fetch', CRASH: 'consumer.crash' };

class FakeConsumer extends EventEmitter {
  readonly events = EVENTS;
  disconnected = false;
  runs = 0;
  async connect(): Promise<void> {}
  async subscribe(): Promise<void> {}
  async run(): Promise<void> {
    this.runs++;
  }
  async disconnect(): Promise<void> {
    this.disconnected = true;
  }
  fire(event: keyof typeof EVENTS, payload: Record<string, unknown> = {}): void {
    this.emit(EVENTS[event], { payload });
  }
}

function setUp() {
  const consumers: FakeConsumer[] = [];
  const kafka = {
    consumer: () => {
      const c = new FakeConsumer();
      consumers.push(c);
      return c;
    },
  } as unknown as Kafka;
  const logger = { log: jest.fn(), error: jest.fn(), warn: jest.fn(), debug: jest.fn() };
  const options: EventConsumerOptions = {
    kafka, producer: {} as never, dataSource: { query: async () => [] } as unknown as DataSource, outbox: {} as never,
    clock: new SystemClock(), logger, groupId: 'g', deadLetterTopic: 'dlq', subscriptions: [{ topic: 't' }],
    maxAttempts: 3, retryBaseMs: 1, newGroupStart: 'latest',
  };
  const server = new EventConsumerServer(options);
  let settled: 'pending' | 'ready' | 'failed' = 'pending';
  const listening = server.listen((error) => {
    settled = error ? 'failed' : 'ready';
  });
  const until = async (what: () => boolean) => {
    for (let i = 0; i < 200 && !what(); i++) await new Promise((r) => setTimeout(r, 5));
  };
  return { server, consumers, logger, listening, until, settled: () => settled };
}

describe('EventConsumerServer readiness', () => {
  it('is ready only after the group is joined and a fetch followed (start offsets resolved)', async () => {
    const { server, consumers, until, settled, listening } = setUp();
    await until(() => consumers[0]?.runs === 1);
    const consumer = consumers[0];

    consumer.fire('FETCH'); // a fetch before any assignment resolves nothing
    await new Promise((r) => setTimeout(r, 20));
    expect(settled()).toBe('pending');
    expect(server.state).toBe('starting');

    consumer.fire('GROUP_JOIN', { memberAssignment: { t: [0, 1] } });
    await new Promise((r) => setTimeout(r, 20));
    expect(settled()).toBe('pending');

    consumer.fire('FETCH');
    await listening;
    expect(settled()).toBe('ready');
    expect(server.isConnected).toBe(true);
    await server.close();
  });

  it('reports a crash kafkajs restarts as restarting, and ready again after the rejoin', async () => {
    const { server, consumers, until, listening } = setUp();
    await until(() => consumers[0]?.runs === 1);
    const consumer = consumers[0];
    consumer.fire('GROUP_JOIN');
    consumer.fire('FETCH');
    await listening;

    consumer.fire('CRASH', { error: new Error('broker gone'), restart: true });
    expect(server.health).toEqual({ state: 'restarting', lastCrash: 'Error: broker gone' });
    expect(server.isConnected).toBe(false);

    consumer.fire('FETCH'); // not yet back in the group
    expect(server.state).toBe('restarting');
    consumer.fire('GROUP_JOIN');
    consumer.fire('FETCH');
    expect(server.state).toBe('ready');
    await server.close();
  });

  it('starts a new consumer after a crash kafkajs would not restart', async () => {
    const { server, consumers, until, listening, logger } = setUp();
    await until(() => consumers[0]?.runs === 1);
    consumers[0].fire('GROUP_JOIN');
    consumers[0].fire('FETCH');
    await listening;

    consumers[0].fire('CRASH', { error: new Error('not retriable'), restart: false });
    expect(server.state).toBe('down');
    expect(logger.error).toHaveBeenCalledWith(expect.objectContaining({ msg: expect.stringContaining('will not restart') }), 'EventConsumer');

    await until(() => consumers[1]?.runs === 1);
    expect(consumers[0].disconnected).toBe(true);
    consumers[0].fire('GROUP_JOIN'); // the old one no longer counts
    consumers[0].fire('FETCH');
    expect(server.state).toBe('down');
    consumers[1].fire('GROUP_JOIN');
    consumers[1].fire('FETCH');
    expect(server.state).toBe('ready');
    await server.close();
    expect(server.state).toBe('stopped');
  });
});

describe('EventConsumerServer handler lookup', () => {
  it('finds handlers by event type, remembers misses, and sees a handler registered after a miss', async () => {
    const { server } = setUp();
    const referralCreated = jest.fn();
    server.addHandler('ReferralCreated', referralCreated, true);

    expect(server.getHandlerByPattern('ReferralCreated')).toBe(referralCreated);
    expect(server.getHandlerByPattern('ReferralCreated')).toBe(referralCreated);
    expect(server.getHandlerByPattern('AssessmentScheduled')).toBeNull();

    const assessmentScheduled = jest.fn();
    server.addHandler('AssessmentScheduled', assessmentScheduled, true);
    expect(server.getHandlerByPattern('AssessmentScheduled')).toBe(assessmentScheduled);
    expect(server.getHandlerByPattern('ReferralCreated')).toBe(referralCreated);
    await server.close();
  });
});
