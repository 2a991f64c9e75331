import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';

/**
 * Serialises everything that touches one referral (its events from both topics, the
 * window job, the courts unit's and supervisors' requests) across transactions, replicas
 * and restarts: a transaction-scoped advisory lock keyed on the referral id. Always taken
 * first, before any row lock, so lock order is the same everywhere (no deadlocks).
 */
export async function lockReferral(manager: EntityManager, referralId: string): Promise<void> {
  await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`outcome-referral:${referralId}`]);
}

/** Locks several referrals at once, in id order (two runs locking overlapping sets cannot deadlock on them). */
export async function lockReferrals(manager: EntityManager, referralIds: string[]): Promise<void> {
  if (referralIds.length === 1) return lockReferral(manager, referralIds[0]);
  await manager.query(
    `SELECT pg_advisory_xact_lock(hashtext('outcome-referral:' || id)) FROM (SELECT unnest($1::text[]) AS id ORDER BY 1) AS ids`,
    [referralIds],
  );
}

/** Rows of a raw query, whatever the command (TypeORM returns [rows, count] for UPDATE/DELETE). */
export async function queryRows<T>(manager: EntityManager, sql: string, params: unknown[] = []): Promise<T[]> {
  const result = await manager.query(sql, params);
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}

/**
 * A UUID derived from a name (SHA-1, RFC 4122 version 5 layout): the same cause always
 * gives the same id, so a retried transaction or a redelivered event cannot mint a second
 * review (or a second job id) for it.
 */
export function nameUuid(name: string): string {
  const hash = createHash('sha1').update(`ddp-outcome:${name}`).digest();
  const b = Buffer.from(hash.subarray(0, 16));
  b[6] = (b[6] & 0x0f) | 0x50;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Who the service itself is, in *_by columns and events. */
export const SYSTEM_ACTOR = 'outcome-service';

export const iso = (d: Date | null | undefined): string | null => (d ? new Date(d).toISOString() : null);

/** A jsonb value as TypeORM 1.x insert/update typing accepts it (it refuses Record<string, unknown>). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type JsonObject = Record<string, any>;
