import { Body, Controller, Get, HttpCode, Inject, Param, Put, UnprocessableEntityException, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { maskDestination } from '../privacy/masking';
import { INTERNAL_TOKEN_HEADER, InternalTokenGuard } from '@ddp/platform';
import { ENDPOINT_MATCHES, type EndpointMatch } from './recipient-endpoint.entity';
import { RecipientDirectory } from './recipient-directory';

/** The organisations whose endpoints are configured here (people are reached through the referral service). */
const ENDPOINT_ROLES = ['officer', 'provider', 'courts-unit', 'youth-offending-team'];

export class PutEndpointDto {
  @ApiProperty({ enum: ENDPOINT_ROLES }) @IsIn(ENDPOINT_ROLES) role: string;
  @ApiProperty({ enum: ENDPOINT_MATCHES, description: 'collar number, provider id, area code, or the default for the role' })
  @IsIn(ENDPOINT_MATCHES) match: EndpointMatch;
  @ApiPropertyOptional({ description: 'The collar number, provider id or area code (omit for default)', example: 'druglink' })
  @ValidateIf((o: PutEndpointDto) => o.match !== 'default') @IsString() @IsNotEmpty() @MaxLength(100) value?: string;
  @ApiProperty({ enum: ['email', 'webhook'] }) @IsIn(['email', 'webhook']) channel: 'email' | 'webhook';
  @ApiProperty({ description: 'A mailbox, or an https URL for a webhook', example: 'https://provider.example/ddp/webhooks' })
  @Matches(/^([^@\s/]+@[^@\s]+\.[^@\s]+|https?:\/\/\S+)$/, { message: 'address must be an e-mail address or an http(s) URL' })
  address: string;
  @ApiPropertyOptional({ description: 'HMAC-SHA256 secret for a webhook (at least 16 characters)' })
  @ValidateIf((o: PutEndpointDto) => o.channel === 'webhook') @IsString() @MinLength(16) secret?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) recordedBy?: string;
}

export class PutProviderContactDto {
  @ApiPropertyOptional({ example: '0118 496 0000' }) @IsOptional() @IsString() @MaxLength(40) phone?: string;
  @ApiPropertyOptional({ example: 'https://provider.example/rebook' }) @IsOptional() @IsString() @MaxLength(200) web?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) recordedBy?: string;
}

export class ProviderIdParam {
  @ApiProperty({ description: 'The provider id, e.g. druglink' }) @Matches(/^[a-z0-9]+(-[a-z0-9]+)*$/) providerId: string;
}

/** Where officers, providers and the courts unit are reached; how people reach providers. */
@ApiTags('configuration')
@ApiHeader({ name: INTERNAL_TOKEN_HEADER, required: true })
@ApiUnauthorizedResponse({ description: 'No valid internal token.' })
@UseGuards(InternalTokenGuard)
@Controller('v1')
export class RecipientEndpointsController {
  constructor(@Inject(RecipientDirectory) private readonly directory: RecipientDirectory) {}

  @Get('recipient-endpoints')
  @ApiOperation({ summary: 'Current endpoints (addresses masked, secrets never shown)' })
  async list() {
    const rows = await this.directory.listEndpoints();
    return {
      endpoints: rows.map((e) => ({
        role: e.role, match: e.matchKind, value: e.matchValue, channel: e.channel, address: maskDestination(e.channel, e.address),
        signed: Boolean(e.secret), recordedAt: e.recordedAt.toISOString(), recordedBy: e.recordedBy,
      })),
    };
  }

  @Put('recipient-endpoints')
  @HttpCode(200)
  @ApiOperation({ summary: 'Set the endpoint of an officer (collar), area, provider or the courts unit; supersedes the one before' })
  @ApiOkResponse({ description: 'Recorded.' })
  async put(@Body() body: PutEndpointDto) {
    const isUrl = /^https?:\/\//.test(body.address);
    if ((body.channel === 'webhook') !== isUrl) {
      throw new UnprocessableEntityException({
        statusCode: 422, error: 'Unprocessable Entity', code: 'address-does-not-fit-channel',
        message: body.channel === 'webhook' ? 'A webhook address must be an http(s) URL.' : 'An e-mail address is needed for the email channel.',
      });
    }
    const saved = await this.directory.putEndpoint({
      role: body.role, matchKind: body.match, matchValue: body.match === 'default' ? '*' : body.value!, channel: body.channel, address: body.address,
      secret: body.channel === 'webhook' ? body.secret : null, recordedBy: body.recordedBy ?? 'configuration',
    });
    return { role: saved.role, match: saved.matchKind, value: saved.matchValue, channel: saved.channel, address: maskDestination(saved.channel, saved.address), signed: Boolean(saved.secret) };
  }

  @Put('provider-contacts/:providerId')
  @HttpCode(200)
  @ApiOperation({ summary: "A provider's public phone number / web page, printed in messages so people can rebook" })
  async putProviderContact(@Param() params: ProviderIdParam, @Body() body: PutProviderContactDto) {
    const saved = await this.directory.putProviderContact(params.providerId, { phone: body.phone, web: body.web, recordedBy: body.recordedBy ?? 'configuration' });
    return { providerId: saved.providerId, phone: saved.phone, web: saved.web };
  }
}
