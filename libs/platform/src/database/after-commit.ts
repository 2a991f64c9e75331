import type { DataSource, EntityManager, QueryRunner } from 'typeorm';

const subscribed = new WeakSet<DataSource>();
const waiting = new WeakMap<QueryRunner, Set<() => void>>();

/**
 * Runs `callback` once `manager`'s transaction has committed (a released savepoint is not
 * the end yet), and never if it rolls back; outside a transaction, on the next turn. For
 * work that must see what the transaction wrote, such as waking the outbox relay or the
 * notification job dispatcher: a pass that starts earlier finds nothing, and the rows would
 * wait for the next poll. The same callback given twice for one transaction runs once.
 */
export function afterCommit(manager: EntityManager, callback: () => void): void {
  const runner = manager.queryRunner;
  if (!runner?.isTransactionActive) {
    setImmediate(callback);
    return;
  }
  subscribe(manager.connection);
  const callbacks = waiting.get(runner);
  if (callbacks) callbacks.add(callback);
  else waiting.set(runner, new Set([callback]));
}

/** TypeORM broadcasts each commit and rollback to the DataSource's subscribers (read at every broadcast, so adding one late is fine). */
function subscribe(dataSource: DataSource): void {
  if (subscribed.has(dataSource)) return;
  subscribed.add(dataSource);
  dataSource.subscribers.push({
    afterTransactionCommit: ({ queryRunner }) => {
      if (queryRunner.isTransactionActive) return;
      const callbacks = waiting.get(queryRunner);
      waiting.delete(queryRunner);
      callbacks?.forEach((callback) => callback());
    },
    afterTransactionRollback: ({ queryRunner }) => {
      if (!queryRunner.isTransactionActive) waiting.delete(queryRunner);
    },
  });
}
