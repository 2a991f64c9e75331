import { databaseFailure, describeDatabaseError } from './database-errors';
import { isInfrastructureOutage } from './infrastructure-errors';

/**
 * Errors that retrying cannot fix (a broken contract, a refused business rule).
 * Consumers dead-letter them at once instead of spending their retry budget.
 */
export class PermanentError extends Error {
  readonly permanent = true;
  constructor(message: string, readonly code = 'permanent-error', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentError';
  }
}

/** Names of error classes from code that cannot import this library (libs/domain). */
const PERMANENT_ERROR_NAMES = new Set(['ContractViolation', 'IllegalTransitionError', 'PermanentError', 'DomainRuleViolation']);

/** Fails the same way every time: a refused rule or contract, or data the database cannot store or that breaks a constraint. */
export function isPermanentError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return (error as { permanent?: unknown }).permanent === true || PERMANENT_ERROR_NAMES.has(error.name) || databaseFailure(error) === 'permanent';
}

/** Likely to succeed if tried again shortly: a dependency unavailable, a deadlock, a serialization failure, a timeout. */
export function isTransientError(error: unknown): boolean {
  return isInfrastructureOutage(error) || databaseFailure(error) === 'transient';
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/** V8's JSON.parse quotes the input around a syntax error (`Unexpected token 'x', "…" is not valid JSON`). */
const QUOTED_JSON_INPUT = /(\.\.\.)?"[\s\S]*"(\.\.\.)? is not valid JSON/g;

/**
 * describeError for text that leaves the process (dead letters, their log lines): a
 * database error by its SQLSTATE instead of its message, a JSON syntax error without the
 * input it quotes, since either may hold a person's data.
 */
export function describeErrorSafely(error: unknown): string {
  const database = describeDatabaseError(error);
  if (database) return `${error instanceof Error ? error.name : 'Error'}: ${database}`;
  return describeError(error).replace(QUOTED_JSON_INPUT, 'the input is not valid JSON');
}
