import { DataSource } from 'typeorm';
import { resetDatabase, testDatabaseUrl } from '@ddp/testing';
import { ensureDatabase } from './database';
import { insertTogether } from './insert-together';

// Several tables' rows in one statement, against the real Postgres.
describe('insertTogether (real Postgres)', () => {
  const url = testDatabaseUrl('insert_together');
  let dataSource: DataSource;

  beforeAll(async () => {
    await resetDatabase(url);
    await ensureDatabase(url);
    dataSource = await new DataSource({ type: 'postgres', url }).initialize();
    await dataSource.query('CREATE TABLE parent (id int PRIMARY KEY, code text UNIQUE)');
    await dataSource.query('CREATE TABLE child (parent_id int NOT NULL REFERENCES parent (id), note jsonb)');
  });
  afterAll(() => dataSource.destroy());

  const parent = { into: 'INSERT INTO parent (id, code)', casts: ['', ''] };
  const child = { into: 'INSERT INTO child (parent_id, note)', casts: ['', '::jsonb'] };

  it('writes parents and their children in one statement and counts what each RETURNING gave', async () => {
    const counts = await insertTogether(dataSource.manager, [
      { ...parent, rows: [[1, 'a'], [2, 'b']], tail: 'ON CONFLICT DO NOTHING RETURNING id' },
      { ...child, rows: [[1, '{"n": 1}'], [2, '{"n": 2}'], [2, '{"n": 3}']] },
      { ...child, rows: [] },
    ]);
    expect(counts).toEqual([2, 0, 0]);
    expect(await dataSource.query('SELECT parent_id, note FROM child ORDER BY note->>\'n\'')).toEqual([
      { parent_id: 1, note: { n: 1 } }, { parent_id: 2, note: { n: 2 } }, { parent_id: 2, note: { n: 3 } },
    ]);
  });

  it('reports a conflict through the count, and refuses a child whose parent was not written', async () => {
    const [written] = await insertTogether(dataSource.manager, [{ ...parent, rows: [[3, 'a'], [4, 'd']], tail: 'ON CONFLICT DO NOTHING RETURNING id' }]);
    expect(written).toBe(1); // code 'a' is taken
    await expect(insertTogether(dataSource.manager, [
      { ...parent, rows: [[5, 'b']], tail: 'ON CONFLICT DO NOTHING RETURNING id' },
      { ...child, rows: [[5, '{}']] },
    ])).rejects.toThrow('foreign key');
    expect(await insertTogether(dataSource.manager, [])).toEqual([]);
  });
});
