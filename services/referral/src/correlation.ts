import { randomUUID } from 'node:crypto';

/**
 * A correlation id the event envelope accepts (1 to 100 characters): the caller's when
 * it fits, otherwise the fallback, otherwise a new one. A bad header must not make a
 * valid encounter fail.
 */
export function correlationIdFrom(candidate: string | undefined | null, fallback?: string): string {
  for (const value of [candidate, fallback]) {
    const trimmed = value?.trim();
    if (trimmed && trimmed.length <= 100) return trimmed;
  }
  return randomUUID();
}
