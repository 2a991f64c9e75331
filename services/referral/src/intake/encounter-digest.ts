import { createHash } from 'node:crypto';
import type { Encounter } from '@ddp/contracts';
import { PermanentError } from '@ddp/platform';

/** A digest of the encounter's content, whatever the order of its keys. */
export function encounterDigest(encounter: Encounter): string {
  return createHash('sha256').update(canonicalJson(encounter)).digest('base64url');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * An encounterId reported again with different details: never the first person's answer.
 * Permanent: HTTP answers 409, Kafka dead-letters it.
 */
export class EncounterIdReused extends PermanentError {
  constructor(readonly encounterId: string) {
    super(`encounterId ${encounterId} was reported before with different details; a new encounter needs a new encounterId`, 'encounter-id-reused');
    this.name = 'EncounterIdReused';
  }
}
