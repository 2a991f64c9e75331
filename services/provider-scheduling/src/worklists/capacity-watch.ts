import { Inject, Injectable } from '@nestjs/common';
import { addDays, capacityAlerts, ukLocalDate, type CapacityAlert, type Provider } from '@ddp/domain';
import { Clock, JsonLogger } from '@ddp/platform';
import type { EntityManager } from 'typeorm';
import { weekStartOf } from '../providers/opening-hours';
import { ProviderDirectory } from '../providers/provider-directory';

export interface ProviderAlerts {
  provider: Provider;
  weekStart: string;
  alerts: CapacityAlert[];
}

/** How often (by the service clock) a provider's load is read again after a booking. */
const CHECK_EVERY_MS = 60_000;

/**
 * Watches how full providers are (libs/domain capacityAlerts: nine tenths of the weekly
 * capacity, or of Druglink's estimated 5,000 referrals a year). The alerts are items on the
 * provider's and the supervisors' worklists (computed when asked, always current), and a
 * warning in the log once per provider, alert and week (`alert: capacity-near-limit`), which
 * log-based alerting picks up: someone adds assessors or moves referrals before a full week
 * escalates referrals.
 */
@Injectable()
export class CapacityWatch {
  private readonly checkedAt = new Map<string, number>();
  private readonly warned = new Set<string>();

  constructor(
    @Inject(ProviderDirectory) private readonly directory: ProviderDirectory,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(JsonLogger) private readonly logger: JsonLogger,
  ) {}

  /** The alerts of each provider (all in the directory unless given), read in one statement. */
  async alerts(manager: EntityManager, providers: readonly Provider[] = this.directory.all()): Promise<ProviderAlerts[]> {
    if (providers.length === 0) return [];
    const weekStart = weekStartOf(ukLocalDate(this.clock.now()));
    const yearFrom = addDays(weekStart, -51 * 7);
    const rows: Array<{ provider_id: string; week_taken: number; year_taken: number }> = await manager.query(
      `SELECT p.id AS provider_id,
              coalesce((SELECT taken FROM provider_week WHERE provider_id = p.id AND week_start = $2), 0)::int AS week_taken,
              coalesce((SELECT sum(taken) FROM provider_week WHERE provider_id = p.id AND week_start BETWEEN $3 AND $2), 0)::int AS year_taken
         FROM unnest($1::text[]) AS p(id)`,
      [providers.map((p) => p.id), weekStart, yearFrom],
    );
    const byId = new Map(rows.map((r) => [r.provider_id, r]));
    return providers
      .map((provider) => {
        const load = byId.get(provider.id)!;
        const weeklyCapacity = this.directory.profile(provider.id).weeklyCapacity;
        return { provider, weekStart, alerts: capacityAlerts(provider, { weekTaken: Number(load.week_taken), weeklyCapacity, yearTaken: Number(load.year_taken) }) };
      })
      .filter((p) => p.alerts.length > 0);
  }

  /**
   * After bookings that took weekly places: reads the load of the providers not read within
   * the last minute (by the service clock) and logs each new alert once per week.
   */
  async afterBooking(manager: EntityManager, providerIds: Iterable<string>): Promise<void> {
    const now = this.clock.now().getTime();
    const due = [...new Set(providerIds)]
      .filter((id) => now - (this.checkedAt.get(id) ?? -Infinity) >= CHECK_EVERY_MS)
      .map((id) => this.directory.find(id))
      .filter((p): p is Provider => p !== undefined);
    if (due.length === 0) return;
    for (const p of due) this.checkedAt.set(p.id, now);
    for (const { provider, weekStart, alerts } of await this.alerts(manager, due)) {
      for (const alert of alerts) {
        const key = `${provider.id}|${alert.kind}|${weekStart}`;
        if (this.warned.has(key)) continue;
        this.warned.add(key);
        this.logger.warn({ msg: `${provider.name}: ${alert.taken} of ${alert.limit} referrals (${alert.kind})`, alert: 'capacity-near-limit', providerId: provider.id, ...alert, weekStart }, 'CapacityWatch');
      }
    }
  }
}
