import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { JsonObject } from '../shared/db';
import { DataSource, type EntityManager } from 'typeorm';
import { binder, Clock, JsonLogger, rowsInsertSql, SERVICE_CONFIG, type RowsInsert } from '@ddp/platform';
import type { OutcomeConfig } from '../outcome.config';
import { queryRows } from '../shared/db';
import { REFERENCE_FIGURES, type Measure } from './reference-figures';

/** The counters of the read model (column = snake_case of the name). */
export const COUNTERS = [
  'referrals', 'declines', 'withdrawals', 'assessmentsCompleted', 'assessmentsWithinDeadline', 'completions',
  'reviewsOpened', 'reviewsExcused', 'summonsRequests', 'summonsWithdrawn', 'noFurtherDiversions',
  'refusals', 'quantitiesJudgedByOfficer', 'signpostedCompletions',
] as const;
export type Counter = (typeof COUNTERS)[number];
export type Counts = Record<Counter, number>;

const column = (c: Counter) => c.replace(/[A-Z]/g, (l) => `_${l.toLowerCase()}`);

/** One cell of the read model: scheme, area, cohort month and the fairness dimensions. */
export interface FigureCell {
  schemeId: string;
  area: string;
  month: string;
  ageBand: string;
  sex: string;
  ethnicity: string;
}

/** The dimensions `by=` can group on, and their columns. */
export const DIMENSIONS = { scheme: 'scheme_id', area: 'area', month: 'month', ageBand: 'age_band', sex: 'sex', ethnicity: 'ethnicity' } as const;
export type Dimension = keyof typeof DIMENSIONS;
const DIMENSION_KEYS: Record<Dimension, keyof FigureCell> = { scheme: 'schemeId', area: 'area', month: 'month', ageBand: 'ageBand', sex: 'sex', ethnicity: 'ethnicity' };

export interface Rates {
  /** referrals − withdrawals: the people the rates are about. */
  cohort: number;
  completionRate: number | null;
  engagementRate: number | null;
  assessmentWithinDeadlineRate: number | null;
  shareNotSentToCourt: number | null;
  noFurtherDiversionRate: number | null;
  declineShare: number | null;
  /** Of the people eligible, the share who refused the diversion offered. */
  refusalShare: number | null;
  /** Of the completions, the share signposted to other local services. */
  signpostedShare: number | null;
}

export interface StatsQuery {
  schemeId?: string;
  area?: string;
  /** Inclusive cohort months, YYYY-MM. */
  from?: string;
  to?: string;
  by: Dimension[];
}

const ratio = (n: number, d: number): number | null => (d > 0 ? Math.round((n / d) * 10000) / 10000 : null);

export function ratesOf(c: Counts): Rates {
  const cohort = c.referrals - c.withdrawals;
  return {
    cohort,
    completionRate: ratio(c.completions, cohort),
    engagementRate: ratio(c.assessmentsCompleted, cohort),
    assessmentWithinDeadlineRate: ratio(c.assessmentsWithinDeadline, cohort),
    shareNotSentToCourt: cohort > 0 ? ratio(cohort - (c.summonsRequests - c.summonsWithdrawn), cohort) : null,
    noFurtherDiversionRate: ratio(c.noFurtherDiversions, cohort),
    declineShare: ratio(c.declines, c.referrals + c.declines),
    refusalShare: ratio(c.refusals, c.referrals + c.refusals),
    signpostedShare: ratio(c.signpostedCompletions, c.completions),
  };
}

const DIMENSION_COLUMNS = ['scheme_id', 'area', 'month', 'age_band', 'sex', 'ethnicity'];
const COUNTER_COLUMNS = COUNTERS.map(column);
/** Every count, folded or not: what a query reads instead of scheme_figure alone. */
const ALL_FIGURES = `(SELECT ${[...DIMENSION_COLUMNS, ...COUNTER_COLUMNS].join(', ')} FROM scheme_figure
  UNION ALL SELECT ${[...DIMENSION_COLUMNS, ...COUNTER_COLUMNS].join(', ')} FROM scheme_figure_delta) AS figures`;
/** One replica folds at a time (pg_try_advisory_xact_lock). */
const FOLD_LOCK = 7_420_310;

/**
 * The scheme figures read model. `bump` appends a delta inside the transaction of whatever
 * changed (an event handler: the inbox makes it once; the window job or a request: the row
 * locks make it once), so the counts never drift from the state; appending takes no row
 * lock, so concurrent transactions never wait for each other here. `fold` moves the deltas
 * into the per-cell counters of scheme_figure in the background; queries read both.
 */
@Injectable()
export class FiguresService implements OnApplicationBootstrap, OnApplicationShutdown {
  private foldTimer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: OutcomeConfig,
    @Inject(JsonLogger) private readonly logger: JsonLogger,
  ) {}

  onApplicationBootstrap(): void {
    this.foldTimer = setInterval(() => {
      this.fold().catch((error) => this.logger.warn({ msg: 'folding scheme figure deltas failed; next time', error: String(error) }, 'FiguresService'));
    }, this.config.FIGURES_FOLD_MS);
    this.foldTimer.unref();
  }

  onApplicationShutdown(): void {
    if (this.foldTimer) clearInterval(this.foldTimer);
    this.foldTimer = null;
  }

  async bump(manager: EntityManager, cell: FigureCell, deltas: Partial<Counts>): Promise<void> {
    await this.bumpMany(manager, [{ cell, deltas }]);
  }

  /** Several deltas in one statement (a run of events). */
  async bumpMany(manager: EntityManager, items: Array<{ cell: FigureCell; deltas: Partial<Counts> }>): Promise<void> {
    const insert = this.deltaRows(items);
    if (insert.rows.length === 0) return;
    const params: unknown[] = [];
    await manager.query(rowsInsertSql(insert, binder(params)), params);
  }

  /** The delta rows of `items` (those that change a count), for one INSERT or a writeTogether. */
  deltaRows(items: Array<{ cell: FigureCell; deltas: Partial<Counts> }>): RowsInsert {
    const now = this.clock.now();
    return {
      into: `INSERT INTO scheme_figure_delta (${DIMENSION_COLUMNS.join(', ')}, recorded_at, ${COUNTER_COLUMNS.join(', ')})`,
      casts: [],
      rows: items
        .filter(({ deltas }) => Object.values(deltas).some((v) => v !== 0))
        .map(({ cell, deltas }) => [cell.schemeId, cell.area, cell.month, cell.ageBand, cell.sex, cell.ethnicity, now, ...COUNTERS.map((c) => deltas[c] ?? 0)]),
    };
  }

  /**
   * Moves committed deltas (up to `limit`, oldest first) into scheme_figure in one
   * transaction: a count is always in exactly one of the two tables. Returns how many it
   * folded (0 when another replica is folding).
   */
  async fold(limit = 20_000): Promise<number> {
    return this.dataSource.transaction(async (m) => {
      const [{ locked }] = await m.query('SELECT pg_try_advisory_xact_lock($1) AS locked', [FOLD_LOCK]);
      if (!locked) return 0;
      const sums = COUNTER_COLUMNS.map((c) => `sum(${c})`).join(', ');
      const rows: Array<{ n: number }> = await m.query(
        `WITH moved AS (
           DELETE FROM scheme_figure_delta WHERE id IN (SELECT id FROM scheme_figure_delta ORDER BY id LIMIT $1) RETURNING *
         ), folded AS (
           INSERT INTO scheme_figure (${DIMENSION_COLUMNS.join(', ')}, updated_at, ${COUNTER_COLUMNS.join(', ')})
           SELECT ${DIMENSION_COLUMNS.join(', ')}, max(recorded_at), ${sums} FROM moved GROUP BY ${DIMENSION_COLUMNS.join(', ')}
           ON CONFLICT (${DIMENSION_COLUMNS.join(', ')}) DO UPDATE SET updated_at = EXCLUDED.updated_at,
             ${COUNTER_COLUMNS.map((c) => `${c} = scheme_figure.${c} + EXCLUDED.${c}`).join(', ')}
         )
         SELECT count(*)::int AS n FROM moved`,
        [limit],
      );
      return rows[0].n;
    });
  }

  async stats(query: StatsQuery) {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (query.schemeId) add('scheme_id = ?', query.schemeId);
    if (query.area) add('area = ?', query.area);
    if (query.from) add('month >= ?', query.from);
    if (query.to) add('month <= ?', query.to);
    const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const sums = COUNTERS.map((c) => `COALESCE(SUM(${column(c)}), 0)::int AS "${c}"`).join(', ');
    const dims = query.by.map((d) => `${DIMENSIONS[d]} AS "${DIMENSION_KEYS[d]}"`);
    const groupSql = query.by.length ? `GROUP BY ${query.by.map((d) => DIMENSIONS[d]).join(', ')} ORDER BY ${query.by.map((d) => DIMENSIONS[d]).join(', ')}` : '';

    const rows = await queryRows<JsonObject>(this.dataSource.manager, `SELECT ${[...dims, sums].join(', ')} FROM ${ALL_FIGURES} ${whereSql} ${groupSql}`, params);
    const [total] = await queryRows<Counts>(this.dataSource.manager, `SELECT ${sums} FROM ${ALL_FIGURES} ${whereSql}`, params);
    const bySchemeAndAge = await queryRows<Counts & { schemeId: string; ageBand: string }>(
      this.dataSource.manager,
      `SELECT scheme_id AS "schemeId", age_band AS "ageBand", ${sums} FROM ${ALL_FIGURES} ${whereSql} GROUP BY scheme_id, age_band`,
      params,
    );

    const split = (r: JsonObject) => {
      const key: Record<string, string> = {};
      const counts = {} as Counts;
      for (const d of query.by) key[DIMENSION_KEYS[d]] = r[DIMENSION_KEYS[d]];
      for (const c of COUNTERS) counts[c] = Number(r[c]);
      return { ...key, counts, rates: ratesOf(counts) };
    };

    const referenceFigures = REFERENCE_FIGURES.filter((f) => !query.schemeId || f.schemeIds.includes(query.schemeId)).map((f) => {
      const counts = {} as Counts;
      for (const c of COUNTERS) counts[c] = 0;
      for (const r of bySchemeAndAge) {
        if (!f.schemeIds.includes(r.schemeId) || (f.ageBand && r.ageBand !== f.ageBand)) continue;
        for (const c of COUNTERS) counts[c] += Number(r[c]);
      }
      const rates = ratesOf(counts);
      return {
        kind: 'reference' as const,
        note: "Reported by the scheme's own sources (seed documents): a baseline to compare with, not computed from this platform's data.",
        ...f,
        platform: { measure: f.measure as Measure, value: rates[f.measure], cohort: rates.cohort, filters: { area: query.area ?? null, from: query.from ?? null, to: query.to ?? null } },
      };
    });

    return {
      filters: { schemeId: query.schemeId ?? null, area: query.area ?? null, from: query.from ?? null, to: query.to ?? null },
      by: query.by,
      definitions: {
        month: "the encounter's month (UK date): each referral's whole journey counts in its cohort month",
        cohort: 'referrals - withdrawals',
        completionRate: 'completions / cohort',
        engagementRate: 'referrals with a completed assessment / cohort',
        assessmentWithinDeadlineRate: 'assessments completed by the scheme deadline (end of the day after the encounter) / cohort',
        shareNotSentToCourt: '1 - (summons requests - summons requests withdrawn) / cohort',
        noFurtherDiversionRate: 'no-further-diversion decisions / cohort',
        declineShare: 'declines / (referrals + declines); declines without a scheme in force count under scheme "none"',
      },
      rows: rows.map(split),
      totals: split(total ?? {}),
      referenceFigures,
    };
  }
}
