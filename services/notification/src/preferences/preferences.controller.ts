import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, UnprocessableEntityException } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { PreferencesService, type Preference } from './preferences.service';

export class PreferenceChangeDto {
  @ApiPropertyOptional({ enum: ['sms', 'email'], description: 'The channel the person wants messages on' })
  @IsOptional() @IsIn(['sms', 'email']) channel?: 'sms' | 'email';
  @ApiPropertyOptional({ description: 'true: no reminders or routine notices. Legal notices (show cause) still go, by e-mail first.' })
  @IsOptional() @IsBoolean() optOut?: boolean;
  @ApiPropertyOptional({ description: 'Who recorded the change (e.g. provider, person, officer id)' })
  @IsOptional() @IsString() @MaxLength(100) recordedBy?: string;
}

export class ReferralIdParam {
  @ApiProperty({ description: 'The referral the preference belongs to' }) @IsString() @IsNotEmpty() @MaxLength(100) referralId: string;
}

const view = (p: Preference) => ({ referralId: p.referralId, channel: p.channel, optOut: p.optOut, recordedAt: p.recordedAt?.toISOString() ?? null });

/** The person's channel and opt-out, per referral. */
@ApiTags('preferences')
@Controller('v1/preferences')
export class PreferencesController {
  constructor(@Inject(PreferencesService) private readonly preferences: PreferencesService) {}

  @Get(':referralId')
  @ApiOperation({ summary: "The person's current preference (defaults when none was recorded)" })
  async get(@Param() params: ReferralIdParam) {
    return view(await this.preferences.current(params.referralId));
  }

  @Post(':referralId')
  @HttpCode(200)
  @ApiOperation({ summary: 'Record a chosen channel and/or an opt-out (kept as history)' })
  @ApiOkResponse({ description: 'The preference now in force.' })
  @ApiUnprocessableEntityResponse({ description: 'Neither channel nor optOut given.' })
  @ApiHeader({ name: 'x-actor-id', required: false, description: 'Who records the change (as the other services take it); else body.recordedBy' })
  async record(@Param() params: ReferralIdParam, @Body() body: PreferenceChangeDto, @Headers('x-actor-id') actor?: string) {
    if (body.channel === undefined && body.optOut === undefined) {
      throw new UnprocessableEntityException({ statusCode: 422, error: 'Unprocessable Entity', code: 'nothing-to-change', message: 'Give channel, optOut, or both.' });
    }
    return view(await this.preferences.record(params.referralId, { channel: body.channel, optOut: body.optOut }, actor?.slice(0, 100) || body.recordedBy || 'unknown'));
  }
}
