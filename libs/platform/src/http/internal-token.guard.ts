import { Inject, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { SERVICE_CONFIG } from '../platform.tokens';
import { createHash, timingSafeEqual } from 'node:crypto';

export const INTERNAL_TOKEN_HEADER = 'x-internal-token';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Service-to-service and configuration endpoints: the caller must present the
 * deployment's INTERNAL_API_TOKEN (a field of the service's config) in x-internal-token.
 */
@Injectable()
export class InternalTokenGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(@Inject(SERVICE_CONFIG) config: { INTERNAL_API_TOKEN?: string }) {
    if (!config.INTERNAL_API_TOKEN) throw new Error('InternalTokenGuard needs INTERNAL_API_TOKEN in the service config');
    this.expected = digest(config.INTERNAL_API_TOKEN);
  }

  canActivate(context: ExecutionContext): boolean {
    const header = context.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined> }>().headers[INTERNAL_TOKEN_HEADER];
    const presented = Array.isArray(header) ? header[0] : header;
    // Compare digests in constant time (equal lengths, no early exit on the first difference).
    if (presented && timingSafeEqual(digest(presented), this.expected)) return true;
    throw new UnauthorizedException({
      statusCode: 401, error: 'Unauthorized', code: 'internal-token-required',
      message: `This endpoint needs a valid ${INTERNAL_TOKEN_HEADER} header.`,
    });
  }
}
