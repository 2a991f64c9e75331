import type { EntityManager } from 'typeorm';

/** A multi-row INSERT: `into` = 'INSERT INTO t (a, b, …)', one SQL cast per column ('' for none). */
export interface RowsInsert {
  into: string;
  casts: readonly string[];
  rows: readonly unknown[][];
  /** Ends the INSERT: 'ON CONFLICT DO NOTHING', 'RETURNING id', … */
  tail?: string;
}

/**
 * Runs several multi-row INSERTs as one statement (each in a data-modifying WITH clause): one
 * round trip where there were one per table. On a busy machine every round trip of a
 * consumer's transaction waits to be scheduled twice (the backend, then the service), so a
 * hop's time grows with their number. Foreign keys between the parts hold: they are checked
 * when the statement ends. Returns, per part, how many rows its RETURNING gave (0 without).
 */
export async function insertTogether(manager: EntityManager, parts: readonly RowsInsert[]): Promise<number[]> {
  const present = parts.map((part, i) => ({ part, i })).filter(({ part }) => part.rows.length > 0);
  const counts = parts.map(() => 0);
  if (present.length === 0) return counts;
  const values: unknown[] = [];
  const statements = present.map(({ part }) => {
    const tuples = part.rows.map((row) => `(${row.map((value, c) => `$${values.push(value)}${part.casts[c] ?? ''}`).join(', ')})`);
    return `${part.into} VALUES ${tuples.join(', ')} ${part.tail ?? ''}`;
  });
  const returns = present.map(({ part }) => /\bRETURNING\b/i.test(part.tail ?? ''));
  const sql = `WITH ${statements.map((s, k) => `w${k} AS (${s})`).join(', ')}
    SELECT ${present.map((_, k) => (returns[k] ? `(SELECT count(*) FROM w${k})::int` : '0')).map((e, k) => `${e} AS n${k}`).join(', ')}`;
  const [row] = (await manager.query(sql, values)) as Array<Record<string, number>>;
  present.forEach(({ i }, k) => (counts[i] = Number(row[`n${k}`])));
  return counts;
}
