import { JsonLogger } from '../logging/json-logger';
import { redisOptions } from '../redis';
import { redisErrorLogger } from './job-connections';

describe('Redis connections of jobs', () => {
  it('logs each kind of Redis error at once, then at most every 30 s with how many were left out', () => {
    jest.useFakeTimers();
    try {
      const lines: Array<Record<string, unknown>> = [];
      const onError = redisErrorLogger(new JsonLogger('test', 'log', (line) => lines.push(JSON.parse(line))), 'Test', 'worker q');
      const refused = new Error('connect ECONNREFUSED 127.0.0.1:6379');
      for (let i = 0; i < 50; i++) {
        onError(refused);
        jest.advanceTimersByTime(500); // a reconnect attempt every 0.5 s for 25 s
      }
      onError(new Error('Connection is closed.'));
      expect(lines.map((l) => [l.msg, l.error, l.repeatsNotLogged])).toEqual([
        ['worker q: Redis error', 'connect ECONNREFUSED 127.0.0.1:6379', undefined],
        ['worker q: Redis error', 'Connection is closed.', undefined],
      ]);
      jest.advanceTimersByTime(5000);
      onError(refused);
      expect(lines[2]).toMatchObject({ level: 'warn', error: 'connect ECONNREFUSED 127.0.0.1:6379', repeatsNotLogged: 49 });
    } finally {
      jest.useRealTimers();
    }
  });

  it('workers never fail a command on a slow reconnect; queues wait a few reconnects; probes answer at once', () => {
    expect(redisOptions('redis://127.0.0.1:6379', 'worker').maxRetriesPerRequest).toBeNull();
    expect(redisOptions('redis://127.0.0.1:6379', 'queue').maxRetriesPerRequest).toBeGreaterThan(1);
    expect(redisOptions('redis://127.0.0.1:6379', 'probe').maxRetriesPerRequest).toBe(1);
    const delays = [1, 2, 3, 4, 5, 6, 50].map((n) => redisOptions('redis://h:1/2').retryStrategy!(n));
    expect(delays).toEqual([100, 200, 400, 800, 1600, 2000, 2000]);
    expect(redisOptions('redis://user:pw@h:6380/2')).toMatchObject({ host: 'h', port: 6380, db: 2, username: 'user', password: 'pw' });
  });
});
