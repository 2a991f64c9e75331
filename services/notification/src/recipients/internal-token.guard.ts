import { Inject, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { SERVICE_CONFIG } from '@ddp/platform';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { NotificationConfig } from '../notification.config';

export const INTERNAL_TOKEN_HEADER = 'x-internal-token';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Configuration endpoints (addresses and webhook secrets) need INTERNAL_API_TOKEN. */
@Injectable()
export class InternalTokenGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(@Inject(SERVICE_CONFIG) config: NotificationConfig) {
    this.expected = digest(config.INTERNAL_API_TOKEN);
  }

  canActivate(context: ExecutionContext): boolean {
    const header = context.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined> }>().headers[INTERNAL_TOKEN_HEADER];
    const presented = Array.isArray(header) ? header[0] : header;
    if (presented && timingSafeEqual(digest(presented), this.expected)) return true;
    throw new UnauthorizedException({
      statusCode: 401, error: 'Unauthorized', code: 'internal-token-required',
      message: `This configuration endpoint needs a valid ${INTERNAL_TOKEN_HEADER} header.`,
    });
  }
}
