import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '@ddp/platform';
import { DataSource, IsNull, type EntityManager } from 'typeorm';
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
};

/** Officers', providers' and the courts unit's endpoints, and providers' public contact details. */
@Injectable()
export class RecipientDirectory {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async findEndpoint(role: string, keys: EndpointKeys, manager: EntityManager = this.dataSource.manager): Promise<RecipientEndpointEntity | null> {
    return (await this.endpointFinder(manager, role))(role, keys);
  }

  /**
   * Reads the current endpoints (of one role, or all) once and answers lookups from them:
   * for a run of events planned together.
   */
  async endpointFinder(manager: EntityManager = this.dataSource.manager, role?: string): Promise<(role: string, keys: EndpointKeys) => RecipientEndpointEntity | null> {
    const current = await manager.find(RecipientEndpointEntity, { where: { ...(role ? { role } : {}), supersededAt: IsNull() } });
    return (wanted, keys) => {
      for (const kind of LOOKUP_ORDER[wanted] ?? ['default']) {
        const value = kind === 'default' ? '*' : keys[kind];
        if (!value) continue;
        const found = current.find((e) => e.role === wanted && e.matchKind === kind && e.matchValue === value);
        if (found) return found;
      }
      return null;
    };
  }

  async listEndpoints(): Promise<RecipientEndpointEntity[]> {
    return this.dataSource.manager.find(RecipientEndpointEntity, { where: { supersededAt: IsNull() }, order: { role: 'ASC', matchKind: 'ASC', matchValue: 'ASC' } });
  }

  /** Records an endpoint, superseding the one it replaces. */
  async putEndpoint(input: { role: string; matchKind: EndpointMatch; matchValue: string; channel: 'email' | 'webhook'; address: string; secret?: string | null; recordedBy: string }): Promise<RecipientEndpointEntity> {
    const now = this.clock.now();
    return this.dataSource.transaction(async (m) => {
      await m.query(
        `UPDATE recipient_endpoint SET superseded_at = $4 WHERE role = $1 AND match_kind = $2 AND match_value = $3 AND superseded_at IS NULL`,
        [input.role, input.matchKind, input.matchValue, now],
      );
      return m.save(RecipientEndpointEntity, m.create(RecipientEndpointEntity, { ...input, secret: input.secret ?? null, recordedAt: now, supersededAt: null }));
    });
  }

  async providerContact(providerId: string | undefined | null): Promise<ProviderContactEntity | null> {
    if (!providerId) return null;
    return this.dataSource.manager.findOne(ProviderContactEntity, { where: { providerId } });
  }

  async putProviderContact(providerId: string, input: { phone?: string | null; web?: string | null; recordedBy: string }): Promise<ProviderContactEntity> {
    return this.dataSource.manager.save(ProviderContactEntity, { providerId, phone: input.phone ?? null, web: input.web ?? null, recordedBy: input.recordedBy, recordedAt: this.clock.now() });
  }
}
