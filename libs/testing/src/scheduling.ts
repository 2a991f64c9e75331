import { randomUUID } from 'node:crypto';
import { ReferralCreated, type EventEnvelope, type ReferralCreatedData } from '@ddp/contracts';
import { assessmentDeadline, schemeInForce } from '@ddp/domain';
import { envelopeFor } from './diversion-events';

const SHORT_REF_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const shortRef = () =>
  Array.from({ length: 9 }, (_, i) => (i === 4 ? '-' : SHORT_REF_ALPHABET[Math.floor(Math.random() * SHORT_REF_ALPHABET.length)])).join('');

/**
 * A ReferralCreated envelope as the referral service would publish it for an encounter at
 * `encounterAt` in `area` (default Reading) of a person in `ageBand` (default adult): the
 * scheme in force and the assessment deadline come from libs/domain, no provider is named
 * (scheduling routes). Override anything, e.g. { providerId: 'druglink' }.
 */
export function referralCreatedAt(
  encounterAt: string,
  options: { area?: string; ageBand?: 'youth' | 'adult' } & Partial<ReferralCreatedData> = {},
): EventEnvelope<ReferralCreatedData> {
  const { area = 'reading', ageBand = 'adult', ...overrides } = options;
  const at = new Date(encounterAt);
  const scheme = schemeInForce(area, ageBand, at);
  const referralId = overrides.referralId ?? randomUUID();
  const data: ReferralCreatedData = {
    referralId,
    shortRef: shortRef(),
    encounterId: `ENC-${referralId}`,
    personRef: `PNC-${referralId.slice(0, 8)}`,
    schemeId: scheme?.id ?? 'thames-valley-adult-diversion-druglink',
    area,
    ageBand,
    offenceType: 'possession',
    substance: 'cannabis',
    drugClass: 'B',
    encounterAt: at.toISOString(),
    assessmentDeadline: (scheme ? assessmentDeadline(at, scheme) : new Date(at.getTime() + 86_400_000)).toISOString(),
    officerCollarNumber: 'TV4172',
    ...overrides,
  };
  return envelopeFor(ReferralCreated, data, { occurredAt: at, correlationId: `corr-${referralId}` });
}
