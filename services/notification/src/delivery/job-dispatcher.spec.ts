import { SystemClock } from '@ddp/platform';
import { DatabaseError } from 'pg';
import { QueryFailedError, type DataSource } from 'typeorm';
import type { NotificationConfig } from '../notification.config';
import type { DeliveryQueues } from './delivery-queues';
import { JobDispatcher } from './job-dispatcher';

const deadlock = () => new QueryFailedError('UPDATE notification …', [], Object.assign(new DatabaseError('deadlock detected', 100, 'error'), { code: '40P01' }));

/** A database that answers the re-marking statement with pages of `pages` rows (each one marked), deadlocking on the calls listed. */
function database(pages: number[], deadlockOnCalls: number[]) {
  const calls: unknown[][] = [];
  let page = 0;
  const query = jest.fn(async (sql: string, params: unknown[] = []) => {
    calls.push(params);
    if (deadlockOnCalls.includes(calls.length)) throw deadlock();
    if (!sql.includes('needs_sync = true')) throw new Error('not part of this test');
    const n = pages[page++] ?? 0;
    return [{ scanned: n, marked: n, last: n ? `row-${page}` : null }];
  });
  return { dataSource: { query } as unknown as DataSource, calls };
}

function dispatcher(dataSource: DataSource) {
  const logger = { warn: jest.fn(), log: jest.fn(), error: jest.fn() };
  const config = { DISPATCH_POLL_MS: 60_000 } as NotificationConfig;
  return { logger, dispatcher: new JobDispatcher(dataSource, {} as DeliveryQueues, new SystemClock(), config, logger as never) };
}

describe('JobDispatcher start-up over a backlog', () => {
  it('survives a deadlock while re-marking pending rows: the page is tried again and start-up goes on', async () => {
    const { dataSource } = database([1000, 1000, 10], [1, 3]);
    const { dispatcher: d, logger } = dispatcher(dataSource);
    await expect(d.start()).resolves.toBeUndefined();
    await d.stop();
    expect(logger.warn).toHaveBeenCalledWith(expect.objectContaining({ msg: expect.stringContaining('failed transiently; trying again'), error: expect.stringContaining('40P01') }), 'JobDispatcher');
  });

  it('re-marks in pages after the last id of the page before, until a page is short', async () => {
    const { dataSource, calls } = database([1000, 1000, 10], []);
    const { dispatcher: d } = dispatcher(dataSource);
    await d.start();
    await d.stop();
    expect(calls.slice(0, 3)).toEqual([[''], ['row-1'], ['row-2']]);
  });
});
