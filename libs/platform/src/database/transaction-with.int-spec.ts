import { DataSource } from 'typeorm';
import { resetDatabase, testDatabaseUrl } from '@ddp/testing';
import { ensureDatabase } from './database';
import { PreparingClient } from './preparing-client';
import { transactionWith } from './transaction-with';

// The first statement rides with START TRANSACTION; the rest is an ordinary TypeORM transaction.
describe('transactionWith (real Postgres)', () => {
  const url = testDatabaseUrl('transaction_with');
  let dataSource: DataSource;
  let queries: string[];

  beforeAll(async () => {
    await resetDatabase(url);
    await ensureDatabase(url);
    dataSource = await new DataSource({ type: 'postgres', url, extra: { Client: PreparingClient } }).initialize();
    await dataSource.query('CREATE TABLE claim (id text PRIMARY KEY)');
    await dataSource.query('CREATE TABLE effect (id text)');
    // Every query a client of the pool sends, in order (to count round trips).
    const pool = (dataSource.driver as unknown as { master: { on(e: string, f: (c: { query: (...a: unknown[]) => unknown }) => void): void } }).master;
    const wrapped = new WeakSet<object>();
    pool.on('acquire', (client) => {
      if (wrapped.has(client)) return;
      wrapped.add(client);
      const original = client.query;
      client.query = function (this: unknown, ...args: unknown[]) {
        queries?.push(String(typeof args[0] === 'string' ? args[0] : (args[0] as { text: string }).text));
        return original.apply(this, args);
      };
    });
  });
  afterAll(() => dataSource.destroy());
  beforeEach(() => (queries = []));

  const claim = (ids: string[]) => (literal: (v: string) => string) =>
    `INSERT INTO claim (id) SELECT unnest(ARRAY[${ids.map(literal).join(', ')}]::text[]) ON CONFLICT DO NOTHING RETURNING id`;
  const effects = async () => (await dataSource.query('SELECT id FROM effect ORDER BY id')).map((r: { id: string }) => r.id);

  it('sends START TRANSACTION with the first statement, hands over its rows and commits what work wrote', async () => {
    const odd = "O'Brien \\ 'quoted'";
    const seen = await transactionWith(dataSource, claim(['a', odd, 'a']), async (manager, rows) => {
      await manager.query('INSERT INTO effect (id) VALUES ($1)', ['from-a']);
      return rows.map((r) => r.id);
    });
    expect(seen.sort()).toEqual(['a', odd].sort());
    expect(queries[0]).toMatch(/^START TRANSACTION; INSERT INTO claim/);
    expect(queries.filter((q) => /^(START|BEGIN)/.test(q))).toHaveLength(1);
    expect(queries[queries.length - 1]).toBe('COMMIT');
    expect(await effects()).toEqual(['from-a']);
    // Claimed before: the same statement returns nothing new.
    expect(await transactionWith(dataSource, claim(['a']), async (_, rows) => rows)).toEqual([]);
  });

  it('rolls the first statement back with the rest when work fails, and nested transactions use savepoints', async () => {
    await expect(transactionWith(dataSource, claim(['b']), async (manager) => {
      await manager.query('INSERT INTO effect (id) VALUES ($1)', ['from-b']);
      throw new Error('refused');
    })).rejects.toThrow('refused');
    expect((await dataSource.query("SELECT count(*)::int AS n FROM claim WHERE id = 'b'"))[0].n).toBe(0);
    expect(await effects()).not.toContain('from-b');

    await transactionWith(dataSource, claim(['c']), async (manager) => {
      await manager.query('INSERT INTO effect (id) VALUES ($1)', ['from-c']);
      await manager.transaction(async (inner) => inner.query('INSERT INTO effect (id) VALUES ($1)', ['nested-c'])).catch(() => undefined);
      await manager.transaction(async (inner) => {
        await inner.query('INSERT INTO effect (id) VALUES ($1)', ['nested-rolled-back']);
        throw new Error('inner');
      }).catch(() => undefined);
    });
    expect(await effects()).toEqual(expect.arrayContaining(['from-c', 'nested-c']));
    expect(await effects()).not.toContain('nested-rolled-back');
    expect(queries.some((q) => q.startsWith('SAVEPOINT'))).toBe(true);
  });

  it('fails with the statement\'s own error and leaves the connection usable', async () => {
    await expect(transactionWith(dataSource, () => 'SELECT * FROM no_such_table', async () => 1)).rejects.toThrow('no_such_table');
    expect(await transactionWith(dataSource, claim(['d']), async (_, rows) => rows.length)).toBe(1);
  });
});
