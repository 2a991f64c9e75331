import { errorChain } from './error-chain';

/**
 * PostgreSQL errors judged by their SQLSTATE (never by message text, which is localised and
 * may quote the data). The first two characters are the class; see the PostgreSQL manual's
 * appendix "PostgreSQL Error Codes".
 *
 * - permanent: the same statement with the same data fails the same way every time, so a
 *   retry only delays everything queued behind it.
 * - transient: the same statement may well succeed a moment later.
 * - anything else (a missing table, a bug): neither is certain; callers keep their default.
 */
export type DatabaseFailure = 'permanent' | 'transient';

/**
 * Class 22 (data exception: a NUL byte or a lone surrogate the encoding cannot hold, a value
 * too long or out of range, an impossible date), class 23 (integrity constraint: not null,
 * foreign key, check) and class 54 (program limit exceeded: JSON nested too deep for the
 * server's stack, too many columns).
 */
const PERMANENT_CLASSES = new Set(['22', '23', '54']);
/**
 * Inside class 23, a unique or exclusion violation can be a concurrent writer's race (two
 * "insert if absent" at once): the manual's "Serialization Failure Handling" advises
 * retrying them, and the retry then finds the row.
 */
const RACE_STATES = new Set(['23505', '23P01']);
/**
 * Class 08 connection exception, 53 insufficient resources, 58 system error (I/O), and:
 * 40001 serialization_failure, 40P01 deadlock_detected, 55P03 lock_not_available,
 * 57014 query_canceled (statement timeout), 57P01-03 server shutting down or starting.
 */
const TRANSIENT_CLASSES = new Set(['08', '53', '58']);
const TRANSIENT_STATES = new Set(['40001', '40P01', '55P03', '57014', '57P01', '57P02', '57P03']);

const CLASS_NAMES: Record<string, string> = {
  '08': 'connection exception',
  '22': 'data exception',
  '23': 'integrity constraint violation',
  '40': 'transaction rollback',
  '42': 'syntax error or access rule violation',
  '53': 'insufficient resources',
  '54': 'program limit exceeded',
  '55': 'object not in prerequisite state',
  '57': 'operator intervention',
  '58': 'system error',
};

interface PostgresFields {
  code?: unknown;
  table?: unknown;
  column?: unknown;
  constraint?: unknown;
}

/** The first PostgreSQL error in `error`'s chain (TypeORM's driverError, causes). */
function postgresError(error: unknown): (PostgresFields & { code: string }) | null {
  for (const e of errorChain(error)) {
    const code = (e as PostgresFields).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return e as PostgresFields & { code: string };
  }
  return null;
}

/** The SQLSTATE behind `error`, or null when no PostgreSQL error is in its chain. */
export function sqlStateOf(error: unknown): string | null {
  return postgresError(error)?.code ?? null;
}

export function databaseFailure(error: unknown): DatabaseFailure | null {
  const state = sqlStateOf(error);
  if (!state) return null;
  const cls = state.slice(0, 2);
  if (TRANSIENT_STATES.has(state) || TRANSIENT_CLASSES.has(cls) || RACE_STATES.has(state)) return 'transient';
  if (PERMANENT_CLASSES.has(cls)) return 'permanent';
  return null;
}

/**
 * A PostgreSQL error told without its message or detail (both may quote the refused value:
 * `invalid input syntax for type uuid: "…"`, `Failing row contains (…)`): the SQLSTATE, its
 * class and the schema names the server reports. Null when no PostgreSQL error is in the chain.
 */
export function describeDatabaseError(error: unknown): string | null {
  const pg = postgresError(error);
  if (!pg) return null;
  const where = (['table', 'column', 'constraint'] as const)
    .filter((field) => typeof pg[field] === 'string' && pg[field])
    .map((field) => `${field} ${String(pg[field])}`);
  const name = CLASS_NAMES[pg.code.slice(0, 2)] ?? 'database error';
  return `SQLSTATE ${pg.code} ${name}${where.length ? ` (${where.join(', ')})` : ''}`;
}
