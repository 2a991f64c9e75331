interface Wrapper {
  cause?: unknown;
  driverError?: unknown;
  originalError?: unknown;
  errors?: unknown;
}

/**
 * `error` and every error wrapped inside it, outermost first: TypeORM's driverError,
 * kafkajs' cause and originalError, Node's AggregateError.errors and plain Error.cause.
 * A chain that loops is walked once.
 */
export function* errorChain(error: unknown): Generator<object> {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0) {
    const current = queue.shift();
    if (current === null || typeof current !== 'object' || seen.has(current)) continue;
    seen.add(current);
    yield current;
    const e = current as Wrapper;
    queue.push(e.cause, e.driverError, e.originalError);
    if (Array.isArray(e.errors)) queue.push(...e.errors);
  }
}
