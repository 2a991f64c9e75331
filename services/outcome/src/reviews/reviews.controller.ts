import { Body, Controller, Get, Headers, HttpCode, Inject, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { ComplianceService } from '../referrals/compliance.service';

export class ExcuseReviewDto {
  @ApiProperty({ description: 'The supervisor excusing the absence (collar number or staff id)', example: 'SGT-2231' })
  @IsString() @IsNotEmpty() @MaxLength(100) excusedBy: string;

  @ApiProperty({ description: 'Why the absence is excused', example: 'Admitted to hospital on the day of the session' })
  @IsString() @IsNotEmpty() @MaxLength(400) reason: string;
}

export class ListReviewsQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) referralId?: string;
  @ApiPropertyOptional({ enum: ['open', 'closed'] }) @IsOptional() @IsIn(['open', 'closed']) status?: 'open' | 'closed';
}

@ApiTags('reviews')
@Controller('v1/reviews')
export class ReviewsController {
  constructor(@Inject(ComplianceService) private readonly compliance: ComplianceService) {}

  @Get()
  @ApiOperation({ summary: 'Compliance reviews (filter by referral and status)' })
  list(@Query() query: ListReviewsQuery) {
    return this.compliance.listReviews(query);
  }

  @Get(':reviewId')
  @ApiOperation({ summary: 'One compliance review' })
  @ApiNotFoundResponse({ description: 'No such review' })
  get(@Param('reviewId', new ParseUUIDPipe()) reviewId: string) {
    return this.compliance.reviewView(reviewId);
  }

  @Post(':reviewId/excuse')
  @HttpCode(200)
  @ApiOperation({ summary: 'A supervisor excuses the absence inside the show-cause window: the review closes as excused' })
  @ApiOkResponse({ description: 'The closed review' })
  @ApiConflictResponse({ description: "code 'review-closed' (already decided) or 'window-closed' (the deadline has passed)" })
  excuse(@Param('reviewId', new ParseUUIDPipe()) reviewId: string, @Body() body: ExcuseReviewDto, @Headers('x-correlation-id') correlationId?: string) {
    return this.compliance.excuseByRequest(reviewId, body, correlationId);
  }
}
