import type { PoolClient, QueryResult } from 'pg';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';

/** Quotes a value as an SQL string literal on this connection (pg's escapeLiteral). */
export type Literal = (value: string) => string;

/**
 * Writes held back until the commit, then sent in the COMMIT's round trip (the outbox's
 * staged events: nothing in the transaction reads them back).
 */
export interface WritesAtCommit {
  /** The transaction on `runner` has begun: hold its writes from now on. */
  holdIn(runner: QueryRunner): void;
  /** The held writes as one statement with literal values (null when none), released. */
  takeHeld(runner: QueryRunner, literal: Literal): string | null;
  /** The transaction rolled back: drop what it held. */
  dropHeld(runner: QueryRunner): void;
}

/**
 * dataSource.transaction(work), with the transaction's first statement sent in the same
 * round trip as its START TRANSACTION (one simple-protocol query). Every consumed event's
 * transaction begins with its inbox claim: on a busy machine each round trip waits to be
 * scheduled twice (the backend, then the service), so this takes one wait off every hop.
 *
 * `first` builds the statement with its values quoted by `literal` (no parameters in the
 * simple protocol); its rows are handed to `work`, which runs on the transaction's manager
 * like dataSource.transaction's callback. Rollback and TypeORM's transaction events (the
 * outbox wakes its relay on commit) are TypeORM's own. With `atCommit`, what it held back
 * goes in the same round trip as the COMMIT (one simple-protocol query), which takes another
 * wait off the hop: a consumed event's transaction is then two round trips plus its own work.
 */
export async function transactionWith<T>(
  dataSource: DataSource,
  first: (literal: Literal) => string,
  work: (manager: EntityManager, firstRows: Array<Record<string, unknown>>) => Promise<T>,
  atCommit?: WritesAtCommit,
): Promise<T> {
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    const client = (runner as unknown as { databaseConnection: PoolClient }).databaseConnection;
    const literal: Literal = (value) => client.escapeLiteral(value);
    const sql = first(literal);
    // The transaction is open from here for TypeORM's bookkeeping (commit, rollback, savepoints of nested transactions).
    Object.assign(runner, { isTransactionActive: true, transactionDepth: 1 });
    atCommit?.holdIn(runner);
    try {
      const results = (await client.query(`START TRANSACTION; ${sql}`)) as unknown as QueryResult[];
      const value = await work(runner.manager, (results[1]?.rows ?? []) as Array<Record<string, unknown>>);
      const held = atCommit?.takeHeld(runner, literal);
      if (held) await commitWith(runner, client, held);
      else await runner.commitTransaction();
      return value;
    } catch (error) {
      atCommit?.dropHeld(runner);
      await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    }
  } finally {
    await runner.release();
  }
}

/**
 * runner.commitTransaction() with `statement` sent ahead of the COMMIT in one query, and
 * TypeORM's bookkeeping and events as it does them. If the statement fails, the COMMIT is
 * not run (the rest of a simple-protocol query is skipped) and the caller rolls back.
 */
async function commitWith(runner: QueryRunner, client: PoolClient, statement: string): Promise<void> {
  await runner.broadcaster.broadcast('BeforeTransactionCommit');
  await client.query(`${statement}; COMMIT`);
  Object.assign(runner, { isTransactionActive: false, transactionDepth: 0 });
  await runner.broadcaster.broadcast('AfterTransactionCommit');
}
