import { startPrivateRedis, waitUntil, type PrivateRedis } from '@ddp/testing';
import type { Job } from 'bullmq';
import { SystemClock } from '../clock/clock';
import { infrastructureOutage } from '../errors/infrastructure-errors';
import { JsonLogger } from '../logging/json-logger';
import { createJobQueue, createJobWorker } from './job-connections';
import { scheduleAt } from './deadline-jobs';
import { IoredisSentinel, RedisLossWatch, redisSentinelKey } from './redis-loss-watch';

/*
 * A real Redis restart, on a Redis server of this suite's own (the shared one is never
 * touched): started like the machine's, without persistence, killed with SIGKILL and
 * started again empty on the same port. The worker reconnects and goes on, an add during
 * the restart waits for it, a longer outage fails an add instead of hanging it, and the
 * watch re-derives the lost jobs from the "database" (here a list).
 */
describe('jobs across a real Redis restart', () => {
  const clock = new SystemClock();
  const prefix = 'ddp-test-redis-restart';
  const logs: Array<Record<string, unknown>> = [];
  const logger = new JsonLogger('platform-test', 'log', (line) => logs.push(JSON.parse(line)));
  let redis: PrivateRedis;
  let settings: { REDIS_URL: string; REDIS_PREFIX: string };

  beforeAll(async () => {
    redis = await startPrivateRedis();
    settings = { REDIS_URL: redis.url, REDIS_PREFIX: prefix };
  });

  afterAll(async () => {
    await redis.kill();
  });

  it('the worker goes on after a restart, an add waits for it, and the watch puts back the jobs Redis lost', async () => {
    const queue = createJobQueue<{ dueAt: string }>('restart-test', settings, logger, 'test');
    const processed: string[] = [];
    const worker = createJobWorker<{ dueAt: string }>('restart-test', async (job: Job<{ dueAt: string }>) => {
      processed.push(job.id!);
    }, settings, logger, 'test');
    // What the database says must be scheduled: one job long after the test, one soon.
    const schedule = [
      { id: 'later-1', dueAt: new Date(Date.now() + 3_600_000).toISOString() },
      { id: 'soon-1', dueAt: new Date(Date.now() + 6_000).toISOString() },
    ];
    const resync = async () => {
      for (const s of schedule) await scheduleAt(queue, clock, 'deadline', s.id, { dueAt: s.dueAt });
      return schedule.length;
    };
    const watch = new RedisLossWatch(new IoredisSentinel(settings.REDIS_URL, redisSentinelKey(prefix, 'test'), logger), logger, { checkEveryMs: 300, settleMs: 100, minResyncGapMs: 300 });
    watch.register('test jobs', resync);
    try {
      await watch.start();
      await resync(); // the boot sweep
      await worker.waitUntilReady();
      expect(await (await queue.getJob('later-1'))?.getState()).toBe('delayed');

      await redis.kill();
      const addedDuringRestart = scheduleAt(queue, clock, 'deadline', 'during-1', { dueAt: new Date().toISOString() });
      await new Promise((resolve) => setTimeout(resolve, 500));
      await redis.start();
      await addedDuringRestart;

      // Redis came back empty: the watch notices and re-derives both jobs; the worker runs what is due.
      await waitUntil(async () => (await (await queue.getJob('later-1'))?.getState()) === 'delayed', 'later-1 re-derived', 10_000, 100);
      await waitUntil(() => processed.includes('during-1'), 'the job added during the restart to run', 10_000, 100);
      await waitUntil(() => processed.includes('soon-1'), 'soon-1 to run when due', 15_000, 100);
      expect(processed.filter((id) => id === 'soon-1')).toHaveLength(1);
      expect(logs.some((l) => l.msg === 'jobs re-derived after Redis lost its data' && l.resync === 'test jobs')).toBe(true);
    } finally {
      await watch.stop();
      await worker.close();
      await queue.close();
    }
  });

  it('an add during a longer outage fails within seconds (the caller retries) instead of hanging; nothing crashes', async () => {
    const queue = createJobQueue<{ dueAt: string }>('outage-test', settings, logger, 'test');
    await queue.waitUntilReady();
    try {
      await redis.kill();
      const started = Date.now();
      const error = await scheduleAt(queue, clock, 'deadline', 'refused-1', { dueAt: new Date().toISOString() }).then(() => null, (e: unknown) => e);
      expect(Date.now() - started).toBeLessThan(12_000);
      // An outage, not a fault of the message: a Kafka handler failing with it is retried, never dead-lettered.
      expect(infrastructureOutage(error)).toMatchObject({ dependency: 'redis' });
      expect(logs.some((l) => l.level === 'warn' && String(l.msg).includes('queue outage-test: Redis error'))).toBe(true);
    } finally {
      await redis.start();
      await queue.close();
    }
  });
});
