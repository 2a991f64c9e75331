import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsISO8601, IsOptional, Matches } from 'class-validator';
import { CODE_PATTERN, IsListOf } from '@ddp/contracts';
import { DIMENSIONS, FiguresService, type Dimension } from './figures.service';

/** A cohort month, or a date read as its month (a real one: IsISO8601 strict takes YYYY-MM too). */
const MONTH_OR_DATE = /^(?!0000)\d{4}-\d{2}(-\d{2})?$/;

export class StatsQueryDto {
  @ApiPropertyOptional({ example: 'thames-valley-youth-diversion' }) @IsOptional() @Matches(CODE_PATTERN) schemeId?: string;
  @ApiPropertyOptional({ example: 'reading' }) @IsOptional() @Matches(CODE_PATTERN) area?: string;
  @ApiPropertyOptional({ description: 'First cohort month (YYYY-MM; a date is read as its month)', example: '2026-01' })
  @IsOptional() @IsISO8601({ strict: true }) @Matches(MONTH_OR_DATE, { message: 'from must be YYYY-MM or YYYY-MM-DD' }) from?: string;
  @ApiPropertyOptional({ description: 'Last cohort month, inclusive', example: '2026-12' })
  @IsOptional() @IsISO8601({ strict: true }) @Matches(MONTH_OR_DATE, { message: 'to must be YYYY-MM or YYYY-MM-DD' }) to?: string;
  @ApiPropertyOptional({ description: `Comma-separated dimensions to group by: ${Object.keys(DIMENSIONS).join(', ')}. Default scheme,area,month`, example: 'scheme,ageBand' })
  @IsOptional() @IsListOf(Object.keys(DIMENSIONS)) by?: string;
}

@ApiTags('stats')
@Controller('v1/stats')
export class StatsController {
  constructor(@Inject(FiguresService) private readonly figures: FiguresService) {}

  @Get()
  @ApiOperation({
    summary: 'Scheme figures per scheme, area and month (and age band, sex, ethnicity for fairness), with rates and the seeds\' reference figures',
  })
  stats(@Query() q: StatsQueryDto) {
    const by = (q.by ?? 'scheme,area,month').split(',') as Dimension[];
    return this.figures.stats({ schemeId: q.schemeId, area: q.area, from: q.from?.slice(0, 7), to: q.to?.slice(0, 7), by: [...new Set(by)] });
  }
}
