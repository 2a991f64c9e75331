import { DataSource } from 'typeorm';
import { resetDatabase, testDatabaseUrl } from '@ddp/testing';
import { afterCommit } from './after-commit';
import { ensureDatabase } from './database';
import { transactionWith } from './transaction-with';

describe('afterCommit (real Postgres)', () => {
  const url = testDatabaseUrl('after_commit');
  let dataSource: DataSource;

  beforeAll(async () => {
    await resetDatabase(url);
    await ensureDatabase(url);
    dataSource = await new DataSource({ type: 'postgres', url }).initialize();
    await dataSource.query('CREATE TABLE item (id text PRIMARY KEY)');
  });

  afterAll(async () => {
    await dataSource?.destroy();
  });

  /** The callback records whether another connection already sees the row. */
  const seenBy = (id: string, calls: boolean[]) => () =>
    void dataSource.query('SELECT 1 FROM item WHERE id = $1', [id]).then((rows: unknown[]) => calls.push(rows.length === 1));
  const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

  it('runs once the transaction has committed, when its rows are visible to everyone (a callback given twice, once)', async () => {
    const calls: boolean[] = [];
    await dataSource.transaction(async (manager) => {
      await manager.query(`INSERT INTO item VALUES ('a')`);
      const callback = seenBy('a', calls);
      afterCommit(manager, callback);
      afterCommit(manager, callback);
      afterCommit(manager, seenBy('a', calls));
      await settle();
      expect(calls).toEqual([]);
    });
    await settle();
    expect(calls).toEqual([true, true]);
  });

  it('waits past a released savepoint for the outer commit, and works with transactionWith', async () => {
    const calls: boolean[] = [];
    await transactionWith(dataSource, () => `INSERT INTO item VALUES ('b')`, async (manager) => {
      await manager.transaction(async (inner) => afterCommit(inner, seenBy('b', calls)));
      await settle();
      expect(calls).toEqual([]);
    });
    await settle();
    expect(calls).toEqual([true]);
  });

  it('never runs for a transaction that rolled back, and does not leak into the next one on that connection', async () => {
    const calls: boolean[] = [];
    await expect(
      dataSource.transaction(async (manager) => {
        await manager.query(`INSERT INTO item VALUES ('c')`);
        afterCommit(manager, () => calls.push(true));
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    await dataSource.transaction(async (manager) => manager.query(`INSERT INTO item VALUES ('d')`));
    await settle();
    expect(calls).toEqual([]);
  });

  it('runs on the next turn outside a transaction', async () => {
    const calls: boolean[] = [];
    afterCommit(dataSource.manager, () => calls.push(true));
    expect(calls).toEqual([]);
    await settle();
    expect(calls).toEqual([true]);
  });
});
