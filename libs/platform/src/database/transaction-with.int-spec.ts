import { DataSource } from 'typeorm';
import { resetDatabase, testDatabaseUrl } from '@ddp/testing';
import { NotificationSent } from '@ddp/contracts';
import { SystemClock } from '../clock/clock';
import { Outbox } from '../outbox/outbox';
import { ensureDatabase } from './database';
import { CreatePlatformTables1763700000000 } from './platform-tables.migration';
import { PreparingClient } from './preparing-client';
import { transactionWith } from './transaction-with';
import { writeTogether } from './write-together';

// The first statement rides with START TRANSACTION; the rest is an ordinary TypeORM transaction.
describe('transactionWith (real Postgres)', () => {
  const url = testDatabaseUrl('transaction_with');
  let dataSource: DataSource;
  let queries: string[];
  const outbox = new Outbox('notification', new SystemClock());
  const relayWoken: number[] = [];

  beforeAll(async () => {
    await resetDatabase(url);
    await ensureDatabase(url);
    dataSource = await new DataSource({ type: 'postgres', url, extra: { Client: PreparingClient }, migrations: [CreatePlatformTables1763700000000] }).initialize();
    await dataSource.runMigrations();
    outbox.onStaged(() => relayWoken.push(Date.now()));
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

  describe('with the outbox holding staged events for the COMMIT', () => {
    const sent = (n: string) => ({ notificationId: `00000000-0000-4000-8000-00000000000${n}`, referralId: '11111111-1111-4111-8111-111111111111', channel: 'email', recipientRole: 'person', template: 'assessment-booked', attempts: 1 });
    const causation = { key: '11111111-1111-4111-8111-111111111111', correlationId: 'c-1' };
    const outboxIds = async () => (await dataSource.query("SELECT payload->'data'->>'notificationId' AS id FROM outbox_message ORDER BY id")).map((r: { id: string }) => r.id);
    beforeEach(() => dataSource.query('DELETE FROM outbox_message'));

    it('writes the staged rows in the COMMIT\'s round trip, in staging order, and wakes the relay after it', async () => {
      relayWoken.length = 0;
      queries = [];
      await transactionWith(dataSource, claim(['e']), async (manager) => {
        await outbox.publish(manager, NotificationSent, sent('1'), causation);
        await outbox.stage(manager, NotificationSent.topic, [outbox.envelope(NotificationSent, sent('2'), causation), outbox.envelope(NotificationSent, sent('3'), causation)]);
        expect(await manager.query('SELECT count(*)::int AS n FROM outbox_message')).toEqual([{ n: 0 }]);
        expect(relayWoken).toHaveLength(0);
      }, outbox);
      expect(queries).toHaveLength(3); // START + claim; the count above; INSERT + COMMIT
      expect(queries[2]).toMatch(/^INSERT INTO outbox_message .*; COMMIT$/s);
      expect(await outboxIds()).toEqual(['1', '2', '3'].map((n) => sent(n).notificationId));
      const [row] = await dataSource.query('SELECT topic, message_key, event_type, headers FROM outbox_message LIMIT 1');
      expect(row).toEqual(expect.objectContaining({ topic: NotificationSent.topic, message_key: causation.key, event_type: 'NotificationSent', headers: expect.objectContaining({ 'event-type': 'NotificationSent' }) }));
      await new Promise((resolve) => setImmediate(resolve));
      expect(relayWoken).toHaveLength(1);
    });

    it('keeps staging order when a statement of the transaction writes outbox rows itself (writeTogether)', async () => {
      await transactionWith(dataSource, claim(['j']), async (manager) => {
        await outbox.publish(manager, NotificationSent, sent('1'), causation);
        await writeTogether(manager, [outbox.rowsInsert(NotificationSent.topic, [outbox.envelope(NotificationSent, sent('2'), causation)], manager)]);
        outbox.stagedIn(manager);
        await outbox.publish(manager, NotificationSent, sent('3'), causation);
      }, outbox);
      expect(await outboxIds()).toEqual(['1', '2', '3'].map((n) => sent(n).notificationId));
    });

    it('writes nothing when the work fails, and rows staged in a rolled-back savepoint go with it', async () => {
      await expect(transactionWith(dataSource, claim(['f']), async (manager) => {
        await outbox.publish(manager, NotificationSent, sent('4'), causation);
        throw new Error('refused');
      }, outbox)).rejects.toThrow('refused');
      expect(await outboxIds()).toEqual([]);

      await transactionWith(dataSource, claim(['g']), async (manager) => {
        await outbox.publish(manager, NotificationSent, sent('5'), causation);
        await manager.transaction(async (inner) => {
          await outbox.publish(inner, NotificationSent, sent('6'), causation);
          throw new Error('inner');
        }).catch(() => undefined);
      }, outbox);
      expect(await outboxIds()).toEqual([sent('5').notificationId]);
    });

    it('rolls back, claim included, when the held rows cannot be written', async () => {
      await dataSource.query('ALTER TABLE outbox_message ADD CONSTRAINT spec_refuses CHECK (message_key <> \'refused\')');
      try {
        await expect(transactionWith(dataSource, claim(['h']), async (manager) => {
          await manager.query('INSERT INTO effect (id) VALUES ($1)', ['from-h']);
          await outbox.publish(manager, NotificationSent, sent('7'), { ...causation, key: 'refused' });
        }, outbox)).rejects.toThrow('spec_refuses');
      } finally {
        await dataSource.query('ALTER TABLE outbox_message DROP CONSTRAINT spec_refuses');
      }
      expect((await dataSource.query("SELECT count(*)::int AS n FROM claim WHERE id = 'h'"))[0].n).toBe(0);
      expect(await effects()).not.toContain('from-h');
      expect(await transactionWith(dataSource, claim(['i']), async (_, rows) => rows.length, outbox)).toBe(1);
    });
  });
});
