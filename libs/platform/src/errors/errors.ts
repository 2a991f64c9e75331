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

export function isPermanentError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return (error as { permanent?: unknown }).permanent === true || PERMANENT_ERROR_NAMES.has(error.name);
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
