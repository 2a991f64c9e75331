import { Body, Controller, Headers, HttpCode, Inject, Post, UnauthorizedException } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { SERVICE_CONFIG } from '@ddp/platform';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { NotificationConfig } from '../notification.config';
import { DeliveryReceiptsService } from './delivery-receipts.service';
import { NotifyReceiptDto } from './notify-receipt.dto';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** GOV.UK Notify's delivery-status callback (set this URL and NOTIFY_CALLBACK_TOKEN in Notify's API integration settings). */
@ApiTags('delivery-receipts')
@Controller('v1/notify')
export class DeliveryReceiptsController {
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: NotificationConfig,
    @Inject(DeliveryReceiptsService) private readonly receipts: DeliveryReceiptsService,
  ) {}

  @Post('delivery-receipts')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOperation({ summary: "A delivery receipt from GOV.UK Notify (its callback): recorded; a show-cause notice's delivery starts its window, a failure sends the fallback" })
  @ApiOkResponse({ description: "{ outcome: 'recorded' | 'unknown-notification' }" })
  @ApiUnauthorizedResponse({ description: "code 'notify-callback-token-required'" })
  async receive(@Body() body: NotifyReceiptDto, @Headers('authorization') authorization?: string) {
    this.checkToken(authorization);
    return { outcome: await this.receipts.record(body) };
  }

  private checkToken(authorization: string | undefined): void {
    const expected = this.config.NOTIFY_CALLBACK_TOKEN;
    const presented = authorization?.startsWith('Bearer ') ? authorization.slice(7) : undefined;
    if (expected && presented && timingSafeEqual(digest(presented), digest(expected))) return;
    throw new UnauthorizedException({
      statusCode: 401, error: 'Unauthorized', code: 'notify-callback-token-required',
      message: expected ? 'A delivery receipt needs the callback bearer token (Authorization: Bearer …).' : 'Delivery receipts are not accepted: NOTIFY_CALLBACK_TOKEN is not set.',
    });
  }
}
