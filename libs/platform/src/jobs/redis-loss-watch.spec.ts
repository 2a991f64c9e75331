import { JsonLogger } from '../logging/json-logger';
import { RedisLossWatch, redisLossWatchOptions, type RedisSentinel } from './redis-loss-watch';
import { loadConfig, ServiceConfig } from '../config/service-config';

/** A sentinel in memory: `lose()` is Redis losing its data, `down` an outage, `reconnect()` a 'ready' after a drop. */
class FakeSentinel implements RedisSentinel {
  present = false;
  down = false;
  private listeners: Array<() => void> = [];
  async write() {
    if (this.down) throw new Error('Connection is closed.');
    this.present = true;
  }
  async restoreIfMissing() {
    if (this.down) throw new Error('Connection is closed.');
    const missing = !this.present;
    this.present = true;
    return missing;
  }
  onReconnect(listener: () => void) {
    this.listeners.push(listener);
  }
  async close() {}
  lose() {
    this.present = false;
  }
  reconnect() {
    for (const l of this.listeners) l();
  }
}

describe('RedisLossWatch', () => {
  const options = { checkEveryMs: 5000, settleMs: 500, minResyncGapMs: 5000 };
  const logs: Array<Record<string, unknown>> = [];
  const logger = new JsonLogger('test', 'verbose', (line) => logs.push(JSON.parse(line)));
  let sentinel: FakeSentinel;
  let watch: RedisLossWatch;

  beforeEach(() => {
    jest.useFakeTimers();
    logs.length = 0;
    sentinel = new FakeSentinel();
    watch = new RedisLossWatch(sentinel, logger, options);
  });

  afterEach(async () => {
    await watch.stop();
    jest.useRealTimers();
  });

  it('writes the sentinel at start and resyncs nothing while it is there', async () => {
    const resync = jest.fn(async () => 0);
    watch.register('jobs', resync);
    await watch.start();
    expect(sentinel.present).toBe(true);
    expect(await watch.check()).toBe('intact');
    await jest.advanceTimersByTimeAsync(20_000);
    expect(resync).not.toHaveBeenCalled();
  });

  it('runs every registered resync once when the sentinel is gone, and writes it again', async () => {
    const first = jest.fn(async () => 3);
    const second = jest.fn(async () => 'ok');
    watch.register('deadlines', first);
    watch.register('reminders', second);
    await watch.start();
    sentinel.lose();
    expect(await watch.check()).toBe('resynced');
    expect(sentinel.present).toBe(true);
    expect(await watch.check()).toBe('intact');
    expect(first).toHaveBeenCalledTimes(1);
    expect(second).toHaveBeenCalledTimes(1);
    expect(logs.filter((l) => l.msg === 'jobs re-derived after Redis lost its data').map((l) => [l.resync, l.result])).toEqual([['deadlines', 3], ['reminders', 'ok']]);
  });

  it('notices a loss by itself: periodically, and soon after a reconnect', async () => {
    const resync = jest.fn(async () => 0);
    watch.register('jobs', resync);
    await watch.start();
    sentinel.lose();
    await jest.advanceTimersByTimeAsync(4999);
    expect(resync).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1);
    expect(resync).toHaveBeenCalledTimes(1);

    // Long after (past the resync gap), a reconnect: checked within settleMs, not at the next period.
    await jest.advanceTimersByTimeAsync(6000);
    sentinel.lose();
    sentinel.reconnect();
    await jest.advanceTimersByTimeAsync(500);
    expect(resync).toHaveBeenCalledTimes(2);
  });

  it('runs a failed resync again at the next check (and only that one), even though the sentinel is back', async () => {
    const good = jest.fn(async () => 0);
    const flaky = jest.fn().mockRejectedValueOnce(new Error('database unavailable')).mockResolvedValue(0);
    watch.register('good', good);
    watch.register('flaky', flaky);
    await watch.start();
    sentinel.lose();
    expect(await watch.check()).toBe('resync-failed');
    expect(logs.find((l) => l.msg === 'job resync failed; will run again at the next check')).toMatchObject({ level: 'error', resync: 'flaky', error: 'Error: database unavailable' });
    await jest.advanceTimersByTimeAsync(options.checkEveryMs);
    expect(flaky).toHaveBeenCalledTimes(2);
    expect(good).toHaveBeenCalledTimes(1);
    expect(await watch.check()).toBe('intact');
  });

  it('never runs two resyncs at once: checks asked for during a resync wait for it, then look once more', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    let release!: () => void;
    const resync = jest.fn(async () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise<void>((resolve) => (release = resolve));
      inFlight--;
    });
    watch.register('jobs', resync);
    await watch.start();
    sentinel.lose();
    const first = watch.check();
    await jest.advanceTimersByTimeAsync(0);
    // Redis loses its data again while the resync runs; several reconnects and checks pile up.
    sentinel.lose();
    const more = [watch.check(), watch.check(), watch.check()];
    for (let i = 0; i < 5; i++) sentinel.reconnect();
    release();
    await jest.advanceTimersByTimeAsync(0);
    // The follow-up check found the second loss; it waits for the resync gap.
    expect(await Promise.all([first, ...more])).toEqual(['deferred', 'deferred', 'deferred', 'deferred']);
    expect(resync).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(options.minResyncGapMs);
    release();
    await jest.advanceTimersByTimeAsync(0);
    expect(resync).toHaveBeenCalledTimes(2);
    expect(maxInFlight).toBe(1);
  });

  it('does not storm on a flapping connection: many reconnects give one check and at most one resync per gap', async () => {
    const resync = jest.fn(async () => 0);
    const restore = jest.spyOn(sentinel, 'restoreIfMissing');
    watch.register('jobs', resync);
    await watch.start();
    for (let i = 0; i < 20; i++) {
      sentinel.lose();
      sentinel.reconnect();
      await jest.advanceTimersByTimeAsync(100);
    }
    // 2 s of flapping, a reconnect every 100 ms: the settle timer keeps its first due time.
    expect(restore.mock.calls.length).toBeLessThanOrEqual(5);
    expect(resync).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(options.minResyncGapMs);
    expect(resync).toHaveBeenCalledTimes(2);
    await jest.advanceTimersByTimeAsync(30_000);
    expect(resync).toHaveBeenCalledTimes(2);
  });

  it('logs an unreachable Redis once, then resyncs when it is back without its data', async () => {
    const resync = jest.fn(async () => 0);
    watch.register('jobs', resync);
    await watch.start();
    sentinel.down = true;
    expect(await watch.check()).toBe('unreachable');
    expect(await watch.check()).toBe('unreachable');
    expect(logs.filter((l) => l.msg === 'cannot check the Redis sentinel; will check again')).toHaveLength(1);
    sentinel.down = false;
    sentinel.lose();
    expect(await watch.check()).toBe('resynced');
    expect(resync).toHaveBeenCalledTimes(1);
    expect(logs.some((l) => l.msg === 'Redis reachable again')).toBe(true);
  });

  it('refuses two resyncs with one name', () => {
    watch.register('jobs', async () => 0);
    expect(() => watch.register('jobs', async () => 0)).toThrow('already registered');
  });

  it('reads its interval from the service config (default 5 s) and names a bad value', () => {
    const base = { DATABASE_URL: 'postgres://u@h:5432/db', PORT: '0' };
    expect(redisLossWatchOptions(loadConfig(ServiceConfig, base)).checkEveryMs).toBe(5000);
    expect(redisLossWatchOptions(loadConfig(ServiceConfig, { ...base, REDIS_LOSS_CHECK_MS: '200' }))).toEqual({ checkEveryMs: 200, settleMs: 200, minResyncGapMs: 200 });
    expect(() => redisLossWatchOptions(loadConfig(ServiceConfig, { ...base, REDIS_LOSS_CHECK_MS: 'soon' }))).toThrow(/REDIS_LOSS_CHECK_MS/);
  });
});
