import { randomUUID } from 'node:crypto';
import type { Encounter } from '@ddp/contracts';

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

/**
 * A valid encounter in one line: an adult found with 2 g of cannabis in Windsor &
 * Maidenhead on a recent evening, interviewed on body-worn video. Override what the
 * test is about, e.g. anEncounter({ area: 'reading', person: { dateOfBirth: '2010-05-01' } }).
 */
export function anEncounter(overrides: DeepPartial<Encounter> = {}): Encounter {
  const id = randomUUID();
  const base: Encounter = {
    encounterId: `ENC-${id}`,
    occurredAt: '2026-11-20T20:15:00Z',
    area: 'windsor-maidenhead',
    officer: { collarNumber: 'TV4172' },
    person: {
      personRef: `PNC-${id.slice(0, 8)}`,
      dateOfBirth: '1994-06-15',
      givenName: 'Alex',
      familyName: 'Example',
      contact: { phone: '+447700900123', email: 'alex@example.test' },
    },
    offence: { type: 'possession', substance: 'cannabis', drugClass: 'B', quantity: { value: 2, unit: 'g' } },
    indicators: { suspectedSupply: false },
    bwvReference: `BWV-${id.slice(0, 8)}`,
  };
  return merge(base, overrides) as Encounter;
}

function merge(base: unknown, patch: unknown): unknown {
  if (patch === undefined) return base;
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch) || base === null || typeof base !== 'object') return patch;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) out[k] = merge(out[k], v);
  return out;
}
