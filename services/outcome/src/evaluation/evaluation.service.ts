import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Proportion } from '@ddp/evaluation';
import { COUNTERS, type Counts } from '../figures/figures.service';
import { queryRows } from '../shared/db';
import { GROUPINGS, type Grouping, type MeasureId } from './evaluation-measures';
import { proportionOf } from './evaluation-tables';

export interface EvaluationFilters {
  schemeId?: string;
  area?: string;
  ageBand?: string;
  /** Inclusive cohort months, YYYY-MM. */
  from?: string;
  to?: string;
}

const COLUMNS = COUNTERS.map((c) => c.replace(/[A-Z]/g, (l) => `_${l.toLowerCase()}`));
const SUMS = COUNTERS.map((c, i) => `COALESCE(SUM(${COLUMNS[i]}), 0)::int AS "${c}"`).join(', ');
const DIMENSION_COLUMNS = ['scheme_id', 'area', 'month', 'age_band', 'sex', 'ethnicity'];
/** The scheme figures read model: folded counters and the deltas not yet folded (FiguresService). */
const READ_MODEL = `(SELECT ${[...DIMENSION_COLUMNS, ...COLUMNS].join(', ')} FROM scheme_figure
  UNION ALL SELECT ${[...DIMENSION_COLUMNS, ...COLUMNS].join(', ')} FROM scheme_figure_delta) AS figures`;

/** Reads the counts of the outcome service's scheme figures read model for the evaluation routes. */
@Injectable()
export class EvaluationService {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async counts(filters: EvaluationFilters): Promise<Counts> {
    const [row] = await this.query(filters, null);
    return row.counts;
  }

  async proportionsBy(grouping: Grouping, measure: MeasureId, filters: EvaluationFilters): Promise<Map<string, Proportion>> {
    const rows = await this.query(filters, GROUPINGS[grouping]);
    return new Map(rows.map((r) => [r.key!, proportionOf(measure, r.counts)]));
  }

  private async query(filters: EvaluationFilters, groupColumn: string | null): Promise<Array<{ key: string | null; counts: Counts }>> {
    const params: unknown[] = [];
    const where: string[] = [];
    const add = (column: string, op: string, value: string | undefined) => {
      if (value === undefined) return;
      params.push(value);
      where.push(`${column} ${op} $${params.length}`);
    };
    add('scheme_id', '=', filters.schemeId);
    add('area', '=', filters.area);
    add('age_band', '=', filters.ageBand);
    add('month', '>=', filters.from);
    add('month', '<=', filters.to);
    const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const select = groupColumn ? `${groupColumn} AS "key", ${SUMS}` : SUMS;
    const groupSql = groupColumn ? `GROUP BY ${groupColumn} ORDER BY ${groupColumn}` : '';
    const rows = await queryRows<Record<string, unknown>>(this.dataSource.manager, `SELECT ${select} FROM ${READ_MODEL} ${whereSql} ${groupSql}`, params);
    return rows.map((r) => ({ key: (r.key as string | undefined) ?? null, counts: Object.fromEntries(COUNTERS.map((c) => [c, Number(r[c])])) as Counts }));
  }
}
