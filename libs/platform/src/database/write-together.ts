import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

/** A multi-row INSERT: `into` = 'INSERT INTO t (a, b, …)', one SQL cast per column ('' for none). */
export interface RowsInsert {
  into: string;
  casts: readonly string[];
  rows: readonly unknown[][];
  /** Ends the INSERT: 'ON CONFLICT DO NOTHING', 'RETURNING id', … */
  tail?: string;
}

/** Any other data-modifying statement: built with `bind`, which adds a parameter and returns its placeholder ($n). */
export type BoundStatement = (bind: (value: unknown) => string) => string;

/** The SQL of a RowsInsert, its values added with `bind` (which returns each one's placeholder). */
export function rowsInsertSql(part: RowsInsert, bind: (value: unknown) => string): string {
  const tuples = part.rows.map((row) => `(${row.map((value, c) => `${bind(value)}${part.casts[c] ?? ''}`).join(', ')})`);
  return `${part.into} VALUES ${tuples.join(', ')} ${part.tail ?? ''}`;
}

/** A placeholder allocator over `values`: bind(v) appends v and returns its $n. */
export function binder(values: unknown[]): (value: unknown) => string {
  return (value) => `$${values.push(value)}`;
}

/**
 * Runs several writes as one statement (each in a data-modifying WITH clause): one round
 * trip where there were one per table. On a busy machine every round trip of a consumer's
 * transaction waits to be scheduled twice (the backend, then the service), so a hop's time
 * grows with their number. Foreign keys between the parts hold: they are checked when the
 * statement ends. The parts must not change the same rows (Postgres leaves the order of
 * WITH clauses open). Returns, per part, how many rows its RETURNING gave (0 without one;
 * an INSERT with no rows is left out and counts 0).
 */
export async function writeTogether(manager: EntityManager, parts: ReadonlyArray<RowsInsert | BoundStatement>): Promise<number[]> {
  const values: unknown[] = [];
  const bind = binder(values);
  const counts = parts.map(() => 0);
  const statements: Array<{ index: number; sql: string }> = [];
  parts.forEach((part, index) => {
    if (typeof part === 'function') return statements.push({ index, sql: part(bind) });
    if (part.rows.length === 0) return;
    statements.push({ index, sql: rowsInsertSql(part, bind) });
  });
  if (statements.length === 0) return counts;
  const counted = statements.map(({ sql }) => /\bRETURNING\b/i.test(sql));
  const sql = `WITH ${statements.map(({ sql: s }, k) => `w${k} AS (${s})`).join(', ')}
    SELECT ${statements.map((_, k) => `${counted[k] ? `(SELECT count(*) FROM w${k})::int` : '0'} AS n${k}`).join(', ')}`;
  const [row] = (await manager.query(sql, values)) as Array<Record<string, number>>;
  statements.forEach(({ index }, k) => (counts[index] = Number(row[`n${k}`])));
  return counts;
}

/**
 * An entity's rows as a RowsInsert, through TypeORM's own column mapping (names, JSON and
 * other conversions), for writeTogether. A column no row gives a value is left to the
 * database when it is generated or has a default; any other missing value is refused
 * (an INSERT would write NULL where TypeORM's would have written DEFAULT).
 */
export function entityRowsInsert<T extends ObjectLiteral>(manager: EntityManager, entity: EntityTarget<T>, rows: readonly T[]): RowsInsert {
  const metadata = manager.connection.getMetadata(entity);
  const driver = manager.connection.driver;
  const columns = metadata.columns.filter((c) => {
    if (c.isVirtual) return false;
    const given = rows.filter((row) => c.getEntityValue(row) !== undefined).length;
    if (given === rows.length) return true;
    if (given === 0 && (c.isGenerated || c.default !== undefined)) return false;
    throw new Error(`entityRowsInsert(${metadata.name}): ${c.propertyName} has no value in ${rows.length - given} of ${rows.length} rows`);
  });
  return {
    into: `INSERT INTO ${driver.escape(metadata.tableName)} (${columns.map((c) => driver.escape(c.databaseName)).join(', ')})`,
    casts: [],
    rows: rows.map((row) => columns.map((c) => driver.preparePersistentValue(c.getEntityValue(row), c))),
  };
}
