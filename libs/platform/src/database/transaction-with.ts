import type { PoolClient, QueryResult } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';

/** Quotes a value as an SQL string literal on this connection (pg's escapeLiteral). */
export type Literal = (value: string) => string;

/**
 * dataSource.transaction(work), with the transaction's first statement sent in the same
 * round trip as its START TRANSACTION (one simple-protocol query). Every consumed event's
 * transaction begins with its inbox claim: on a busy machine each round trip waits to be
 * scheduled twice (the backend, then the service), so this takes one wait off every hop.
 *
 * `first` builds the statement with its values quoted by `literal` (no parameters in the
 * simple protocol); its rows are handed to `work`, which runs on the transaction's manager
 * like dataSource.transaction's callback. Commit, rollback and TypeORM's transaction events
 * (the outbox wakes its relay on commit) are TypeORM's own.
 */
export async function transactionWith<T>(
  dataSource: DataSource,
  first: (literal: Literal) => string,
  work: (manager: EntityManager, firstRows: Array<Record<string, unknown>>) => Promise<T>,
): Promise<T> {
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    const client = (runner as unknown as { databaseConnection: PoolClient }).databaseConnection;
    const sql = first((value) => client.escapeLiteral(value));
    // The transaction is open from here for TypeORM's bookkeeping (commit, rollback, savepoints of nested transactions).
    Object.assign(runner, { isTransactionActive: true, transactionDepth: 1 });
    try {
      const results = (await client.query(`START TRANSACTION; ${sql}`)) as unknown as QueryResult[];
      const value = await work(runner.manager, (results[1]?.rows ?? []) as Array<Record<string, unknown>>);
      await runner.commitTransaction();
      return value;
    } catch (error) {
      await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    }
  } finally {
    await runner.release();
  }
}
