import { randomUUID } from 'node:crypto';
import { resetDatabase, testDatabaseUrl } from '@ddp/testing';
import { ensureDatabase } from './database';
import { PreparingClient } from './preparing-client';

// Against the real Postgres: which statements end up prepared on the connection, and what happens when they go wrong.
describe('PreparingClient (real Postgres)', () => {
  const url = testDatabaseUrl('preparing_client');
  let client: PreparingClient;

  beforeAll(async () => {
    await resetDatabase(url);
    await ensureDatabase(url);
    client = new PreparingClient({ connectionString: url });
    await client.connect();
    await client.query('CREATE TABLE item (id int PRIMARY KEY, label text)');
  });
  afterAll(() => client.end());

  const preparedTexts = async () => (await client.query('SELECT statement FROM pg_prepared_statements')).rows.map((r: { statement: string }) => r.statement);

  it('prepares a parameterised statement once it repeats, and answers the same either way', async () => {
    const text = `SELECT $1::int + 1 AS n /* ${randomUUID()} */`;
    const answers: number[] = [];
    for (let i = 0; i < 4; i++) answers.push((await client.query(text, [i])).rows[0].n);
    expect(answers).toEqual([1, 2, 3, 4]);
    expect(await preparedTexts()).toContain(text);

    const once = `SELECT $1::int AS n /* ${randomUUID()} */`;
    await client.query(once, [1]);
    const manyParameters = `SELECT ${Array.from({ length: 65 }, (_, i) => `$${i + 1}::int`).join(' + ')} AS n`;
    for (let i = 0; i < 3; i++) expect((await client.query(manyParameters, Array.from({ length: 65 }, () => 1))).rows[0].n).toBe(65);
    const unparameterised = `SELECT 1 AS n /* ${randomUUID()} */`;
    for (let i = 0; i < 3; i++) await client.query(unparameterised);
    const texts = await preparedTexts();
    expect(texts).not.toContain(once);
    expect(texts).not.toContain(unparameterised);
    expect(texts).not.toContain(manyParameters);
  });

  it('keeps reporting the real error of a statement that fails, prepared or not', async () => {
    const broken = 'SELECT label FROM item WHERE id = $1 AND no_such_column = 1';
    for (let i = 0; i < 3; i++) await expect(client.query(broken, [1])).rejects.toThrow('column "no_such_column" does not exist');
    const failing = 'INSERT INTO item (id, label) VALUES ($1, $2)';
    await client.query(failing, [1, 'a']);
    await client.query(failing, [2, 'b']);
    await expect(client.query(failing, [2, 'again'])).rejects.toThrow('duplicate key');
    await client.query(failing, [3, 'c']);
    expect((await client.query('SELECT count(*)::int AS n FROM item WHERE id = ANY($1)', [[1, 2, 3]])).rows[0].n).toBe(3);
  });

  it('survives a migration that changes the shape of a prepared SELECT *: it fails at most once, then runs unnamed', async () => {
    const text = 'SELECT * FROM item WHERE id = $1';
    for (let i = 0; i < 3; i++) expect(Object.keys((await client.query(text, [1])).rows[0])).toEqual(['id', 'label']);
    await client.query('ALTER TABLE item ADD COLUMN note text');
    const after = await client.query(text, [1]).then(
      (r: { rows: Array<Record<string, unknown>> }) => r.rows[0],
      (error: Error) => error,
    );
    if (after instanceof Error) expect(after.message).toContain('cached plan must not change result type');
    expect(Object.keys((await client.query(text, [1])).rows[0])).toEqual(['id', 'label', 'note']);
    expect(Object.keys((await client.query(text, [1])).rows[0])).toEqual(['id', 'label', 'note']);
  });

  it('prepares at most 200 statements on one connection', async () => {
    for (let i = 0; i < 260; i++) {
      const text = `SELECT $1::int AS n, ${i} AS i`;
      await client.query(text, [i]);
      await client.query(text, [i]);
    }
    expect((await preparedTexts()).length).toBeLessThanOrEqual(200);
    expect((await client.query('SELECT $1::int AS n, 259 AS i', [7])).rows[0]).toEqual({ n: 7, i: 259 });
  });
});
