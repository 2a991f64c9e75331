import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import type { Response } from 'express';
import { CODE_PATTERN } from '@ddp/contracts';
import { DISCLOSURE, REFERENCE_LINES } from '@ddp/evaluation';
import { ACCESS, Roles } from '@ddp/platform';
import { toCsv } from './csv';
import { DATA_DICTIONARY, GROUPINGS, MEASURE_IDS, PILOTS, type Grouping, type MeasureId } from './evaluation-measures';
import { fairnessTable, measureRates, pilotComparison } from './evaluation-tables';
import { EvaluationService, type EvaluationFilters } from './evaluation.service';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export class EvaluationQueryDto {
  @ApiPropertyOptional({ example: 'thames-valley-youth-diversion' }) @IsOptional() @Matches(CODE_PATTERN) schemeId?: string;
  @ApiPropertyOptional({ example: 'reading' }) @IsOptional() @Matches(CODE_PATTERN) area?: string;
  @ApiPropertyOptional({ enum: ['youth', 'adult'] }) @IsOptional() @IsIn(['youth', 'adult']) ageBand?: string;
  @ApiPropertyOptional({ description: 'First cohort month, YYYY-MM', example: '2026-01' }) @IsOptional() @Matches(MONTH, { message: 'from must be YYYY-MM' }) from?: string;
  @ApiPropertyOptional({ description: 'Last cohort month, inclusive, YYYY-MM', example: '2026-12' }) @IsOptional() @Matches(MONTH, { message: 'to must be YYYY-MM' }) to?: string;
  @ApiPropertyOptional({ enum: ['json', 'csv'], description: 'json (default) or csv' }) @IsOptional() @IsIn(['json', 'csv']) format?: 'json' | 'csv';
}

export class FairnessQueryDto extends EvaluationQueryDto {
  @ApiProperty({ enum: MEASURE_IDS }) @IsIn(MEASURE_IDS) measure: MeasureId;
  @ApiProperty({ enum: Object.keys(GROUPINGS) }) @IsIn(Object.keys(GROUPINGS)) by: Grouping;
}

const RATE_COLUMNS = ['count', 'base', 'rate', 'lower', 'upper', 'smallBase', 'suppressed'];

/**
 * The analyst's evaluation figures (issue 24): rates with 95 % intervals, relative rate indices
 * and the pilot comparison, from the scheme figures read model, with disclosure control applied
 * before anything leaves. Method: docs/evaluation-method.md.
 */
@ApiTags('evaluation')
@Controller('v1/evaluation')
@Roles(...ACCESS.figures)
export class EvaluationController {
  constructor(@Inject(EvaluationService) private readonly evaluation: EvaluationService) {}

  @Get('dictionary')
  @ApiOperation({ summary: 'What every field and measure of the evaluation routes means' })
  dictionary(@Query('format') format: string | undefined, @Res({ passthrough: true }) res: Response) {
    if (format !== 'csv') return { ...DATA_DICTIONARY, minimumCount: DISCLOSURE.minimumCount, smallBaseUnder: DISCLOSURE.smallBaseUnder };
    const rows = [
      ...Object.entries(DATA_DICTIONARY.fields).map(([name, meaning]) => ({ kind: 'field', name, meaning })),
      ...Object.entries(DATA_DICTIONARY.measures).map(([name, meaning]) => ({ kind: 'measure', name, meaning })),
    ];
    return this.csv(res, 'dictionary', toCsv(['kind', 'name', 'meaning'], rows, []));
  }

  @Get('measures')
  @ApiOperation({ summary: 'Every measure for a scheme, area, period and age band, as rates with counts and 95 % intervals, and the seeds\' reference lines' })
  async measures(@Query() q: EvaluationQueryDto, @Res({ passthrough: true }) res: Response) {
    const rows = measureRates(await this.evaluation.counts(filtersOf(q)));
    if (q.format === 'csv') return this.csv(res, 'measures', toCsv(['measure', ...RATE_COLUMNS], rows));
    const referenceLines = REFERENCE_LINES.filter((l) => (!q.schemeId || l.schemeIds.includes(q.schemeId)) && (!q.ageBand || !l.ageBand || l.ageBand === q.ageBand));
    return { filters: filtersOf(q), minimumCount: DISCLOSURE.minimumCount, measures: rows, referenceLines };
  }

  @Get('fairness')
  @ApiOperation({ summary: 'One measure by ethnicity, age band, sex, area or scheme: each group\'s rate and its relative rate index against the largest group' })
  async fairness(@Query() q: FairnessQueryDto, @Res({ passthrough: true }) res: Response) {
    const rows = fairnessTable(q.by, await this.evaluation.proportionsBy(q.by, q.measure, filtersOf(q)));
    const columns = ['group', 'label', ...RATE_COLUMNS, 'reference', 'rri', 'rriLower', 'rriUpper', 'flag', 'zeroCorrected'];
    if (q.format === 'csv') return this.csv(res, `fairness-${q.measure}-by-${q.by}`, toCsv(columns, rows));
    return { filters: filtersOf(q), measure: q.measure, by: q.by, minimumCount: DISCLOSURE.minimumCount, rows };
  }

  @Get('pilots')
  @ApiOperation({ summary: 'The two pilots side by side (adults): each measure for both and the difference with its 95 % interval' })
  async pilots(@Query() q: EvaluationQueryDto, @Res({ passthrough: true }) res: Response) {
    const period = { from: q.from, to: q.to, area: q.area };
    const [voluntary, deferred] = await Promise.all([
      this.evaluation.counts({ ...period, schemeId: PILOTS.voluntary, ageBand: 'adult' }),
      this.evaluation.counts({ ...period, schemeId: PILOTS.deferred, ageBand: 'adult' }),
    ]);
    const rows = pilotComparison(voluntary, deferred);
    if (q.format === 'csv') {
      const flat = rows.map((r) => ({
        measure: r.measure,
        ...Object.fromEntries(RATE_COLUMNS.flatMap((c) => [[`voluntary_${c}`, r.voluntary[c as keyof typeof r.voluntary]], [`deferred_${c}`, r.deferred[c as keyof typeof r.deferred]]])),
        difference: r.difference, differenceLower: r.differenceLower, differenceUpper: r.differenceUpper, excludesZero: r.excludesZero,
      }));
      const columns = ['measure', ...RATE_COLUMNS.flatMap((c) => [`voluntary_${c}`, `deferred_${c}`]), 'difference', 'differenceLower', 'differenceUpper', 'excludesZero'];
      return this.csv(res, 'pilots', toCsv(columns, flat, ['voluntary_count', 'voluntary_base', 'deferred_count', 'deferred_base']));
    }
    return { filters: period, schemes: PILOTS, minimumCount: DISCLOSURE.minimumCount, measures: rows };
  }

  private csv(res: Response, name: string, body: string): string {
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="evaluation-${name}.csv"`);
    return body;
  }
}

function filtersOf(q: EvaluationQueryDto): EvaluationFilters {
  return { schemeId: q.schemeId, area: q.area, ageBand: q.ageBand, from: q.from, to: q.to };
}
