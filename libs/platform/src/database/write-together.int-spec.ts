import { Column, DataSource, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { resetDatabase, testDatabaseUrl } from '@ddp/testing';
import { checkServerMaintenance, ensureDatabase } from './database';
import { entityRowsInsert, writeTogether } from './write-together';

@Entity('gadget')
class Gadget {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'jsonb' }) spec: { size: number };
  @Column({ type: 'text', default: 'unnamed' }) label: string;
  @Column({ type: 'timestamptz' }) at: Date;
}

// Several tables' rows in one statement, against the real Postgres.
describe('writeTogether (real Postgres)', () => {
  const url = testDatabaseUrl('insert_together');
  let dataSource: DataSource;

  beforeAll(async () => {
    await resetDatabase(url);
    await ensureDatabase(url);
    dataSource = await new DataSource({ type: 'postgres', url, entities: [Gadget] }).initialize();
    await dataSource.query("CREATE TABLE gadget (id serial PRIMARY KEY, spec jsonb NOT NULL, label text NOT NULL DEFAULT 'unnamed', at timestamptz NOT NULL)");
    await dataSource.query('CREATE TABLE parent (id int PRIMARY KEY, code text UNIQUE)');
    await dataSource.query('CREATE TABLE child (parent_id int NOT NULL REFERENCES parent (id), note jsonb)');
  });
  afterAll(() => dataSource.destroy());

  const parent = { into: 'INSERT INTO parent (id, code)', casts: ['', ''] };
  const child = { into: 'INSERT INTO child (parent_id, note)', casts: ['', '::jsonb'] };

  it('writes parents and their children in one statement and counts what each RETURNING gave', async () => {
    const counts = await writeTogether(dataSource.manager, [
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
    const [written] = await writeTogether(dataSource.manager, [{ ...parent, rows: [[3, 'a'], [4, 'd']], tail: 'ON CONFLICT DO NOTHING RETURNING id' }]);
    expect(written).toBe(1); // code 'a' is taken
    await expect(writeTogether(dataSource.manager, [
      { ...parent, rows: [[5, 'b']], tail: 'ON CONFLICT DO NOTHING RETURNING id' },
      { ...child, rows: [[5, '{}']] },
    ])).rejects.toThrow('foreign key');
    expect(await writeTogether(dataSource.manager, [])).toEqual([]);
  });

  it('writes entities through TypeORM\'s column mapping, leaving generated and default columns to the database', async () => {
    const at = new Date('2026-12-03T09:00:00Z');
    await writeTogether(dataSource.manager, [entityRowsInsert(dataSource.manager, Gadget, [{ spec: { size: 2 }, at } as Gadget, { spec: { size: 3 }, at } as Gadget])]);
    expect(await dataSource.getRepository(Gadget).find({ order: { id: 'ASC' } })).toEqual([
      { id: 1, spec: { size: 2 }, label: 'unnamed', at }, { id: 2, spec: { size: 3 }, label: 'unnamed', at },
    ]);
    // A value missing in some rows only would be written as NULL: refused.
    expect(() => entityRowsInsert(dataSource.manager, Gadget, [{ spec: { size: 1 }, at, label: 'a' } as Gadget, { spec: { size: 1 }, at } as Gadget])).toThrow('label has no value in 1 of 2 rows');
    expect(() => entityRowsInsert(dataSource.manager, Gadget, [{ spec: { size: 1 } } as Gadget])).toThrow('at has no value');
  });

  it('takes any other write built with bound parameters, e.g. an UPDATE from arrays', async () => {
    const counts = await writeTogether(dataSource.manager, [
      (bind) => `UPDATE parent p SET code = v.code FROM unnest(${bind([1, 2])}::int[], ${bind(['a2', "b'2"])}::text[]) AS v(id, code) WHERE p.id = v.id RETURNING p.id`,
      { ...child, rows: [[4, '{"n": 4}']] },
    ]);
    expect(counts).toEqual([2, 0]);
    expect(await dataSource.query('SELECT id, code FROM parent WHERE id IN (1, 2) ORDER BY id')).toEqual([{ id: 1, code: 'a2' }, { id: 2, code: "b'2" }]);
  });

  it('reads the server maintenance settings for the start-up warning (a warning exactly when autovacuum is off here)', async () => {
    const [{ autovacuum }] = await dataSource.query('SHOW autovacuum');
    const warning = await checkServerMaintenance(dataSource);
    if (autovacuum === 'on') expect(warning).toBeNull();
    else expect(warning).toMatch(/^PostgreSQL has autovacuum (and track_counts )?off:/);
  });
});
