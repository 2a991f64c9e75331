import { Inject, Injectable } from '@nestjs/common';
import { Clock, SERVICE_CONFIG } from '@ddp/platform';
import { DataSource, IsNull } from 'typeorm';
import type { NotificationConfig } from '../notification.config';
import { ProviderContactEntity, RecipientEndpointEntity, type EndpointMatch } from './recipient-endpoint.entity';

export interface EndpointKeys {
  collar?: string | null;
  provider?: string | null;
  area?: string | null;
}

/** The order in which an endpoint is looked for, most specific first. */
const LOOKUP_ORDER: Record<string, EndpointMatch[]> = {
  officer: ['collar', 'area', 'default'],
  provider: ['provider', 'default'],
  'courts-unit': ['area', 'default'],
  'youth-offending-team': ['area', 'default'],
};

/**
 * Officers', providers' and the courts unit's endpoints, and providers' public contact
 * details. Deliveries read them through a short-lived copy (DIRECTORY_CACHE_MS, real time):
 * at a few hundred notices a second, reading the table for each one cost more than sending.
 */
@Injectable()
export class RecipientDirectory {
  private endpoints: { until: number; rows: Promise<RecipientEndpointEntity[]> } | null = null;
  private contacts: { until: number; rows: Promise<Map<string, ProviderContactEntity>> } | null = null;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: NotificationConfig,
  ) {}

  /** The endpoint a delivery goes to now (from the cached copy). */
  async findEndpoint(role: string, keys: EndpointKeys): Promise<RecipientEndpointEntity | null> {
    return (await this.endpointFinder())(role, keys);
  }

  /** Answers endpoint lookups from the cached copy: for a run of events planned together. */
  async endpointFinder(): Promise<(role: string, keys: EndpointKeys) => RecipientEndpointEntity | null> {
    const now = performance.now();
    if (!this.endpoints || this.endpoints.until <= now) {
      const rows = this.dataSource.manager.find(RecipientEndpointEntity, { where: { supersededAt: IsNull() } });
      this.endpoints = { until: now + this.config.DIRECTORY_CACHE_MS, rows };
      rows.catch(() => (this.endpoints = null)); // a failed read is not kept
    }
    const current = await this.endpoints.rows;
    return (role, keys) => matchEndpoint(current, role, keys);
  }

  async listEndpoints(): Promise<RecipientEndpointEntity[]> {
    return this.dataSource.manager.find(RecipientEndpointEntity, { where: { supersededAt: IsNull() }, order: { role: 'ASC', matchKind: 'ASC', matchValue: 'ASC' } });
  }

  /** Records an endpoint, superseding the one it replaces. */
  async putEndpoint(input: { role: string; matchKind: EndpointMatch; matchValue: string; channel: 'email' | 'webhook'; address: string; secret?: string | null; recordedBy: string }): Promise<RecipientEndpointEntity> {
    const now = this.clock.now();
    this.endpoints = null;
    return this.dataSource.transaction(async (m) => {
      // Identical PUTs at once would each supersede the same row and then both insert a current
      // one (a unique violation): they take turns per endpoint key instead, each superseding the last.
      await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`recipient_endpoint:${input.role}:${input.matchKind}:${input.matchValue}`]);
      await m.query(
        `UPDATE recipient_endpoint SET superseded_at = $4 WHERE role = $1 AND match_kind = $2 AND match_value = $3 AND superseded_at IS NULL`,
        [input.role, input.matchKind, input.matchValue, now],
      );
      return m.save(RecipientEndpointEntity, m.create(RecipientEndpointEntity, { ...input, secret: input.secret ?? null, recordedAt: now, supersededAt: null }));
    }).finally(() => (this.endpoints = null));
  }

  async providerContact(providerId: string | undefined | null): Promise<ProviderContactEntity | null> {
    if (!providerId) return null;
    const now = performance.now();
    if (!this.contacts || this.contacts.until <= now) {
      const rows = this.dataSource.manager.find(ProviderContactEntity).then((all) => new Map(all.map((c) => [c.providerId, c])));
      this.contacts = { until: now + this.config.DIRECTORY_CACHE_MS, rows };
      rows.catch(() => (this.contacts = null));
    }
    return (await this.contacts.rows).get(providerId) ?? null;
  }

  async putProviderContact(providerId: string, input: { phone?: string | null; web?: string | null; recordedBy: string }): Promise<ProviderContactEntity> {
    this.contacts = null;
    const contact = { providerId, phone: input.phone ?? null, web: input.web ?? null, recordedBy: input.recordedBy, recordedAt: this.clock.now() };
    // One statement (INSERT ... ON CONFLICT DO UPDATE): save() reads then inserts, and identical PUTs at once collided.
    await this.dataSource.manager.upsert(ProviderContactEntity, contact, ['providerId']).finally(() => (this.contacts = null));
    return Object.assign(new ProviderContactEntity(), contact);
  }
}

/** The most specific current endpoint for a recipient (LOOKUP_ORDER). */
function matchEndpoint(current: RecipientEndpointEntity[], role: string, keys: EndpointKeys): RecipientEndpointEntity | null {
  for (const kind of LOOKUP_ORDER[role] ?? ['default']) {
    const value = kind === 'default' ? '*' : keys[kind];
    if (!value) continue;
    const found = current.find((e) => e.role === role && e.matchKind === kind && e.matchValue === value);
    if (found) return found;
  }
  return null;
}
