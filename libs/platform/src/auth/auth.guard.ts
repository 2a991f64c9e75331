import { ForbiddenException, HttpException, HttpStatus, Inject, Injectable, ServiceUnavailableException, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AuthConfig } from './auth.config';
import { attachActor, OWN_PROVIDER_METADATA, PUBLIC_METADATA, ROLES_METADATA } from './auth.decorators';
import { PROVIDER_ROLES, type Role } from './roles';
import { IdentityProviderUnavailableError, InvalidTokenError, TokenVerifier, type Actor } from './token-verifier';

export const AUTH_CONFIG = Symbol('AUTH_CONFIG');

/** What a route declares: public, or the roles that may call it; null when it declares nothing. */
export type RoutePolicy = { public: true } | { roles: readonly Role[] };

export function policyOf(reflector: Reflector, handler: Function, controller: Function): RoutePolicy | null {
  if (reflector.getAllAndOverride<boolean>(PUBLIC_METADATA, [handler, controller])) return { public: true };
  const roles = reflector.getAllAndOverride<Role[] | undefined>(ROLES_METADATA, [handler, controller]);
  return roles ? { roles } : null;
}

interface HttpRequest {
  headers: Record<string, string | string[] | undefined>;
  params?: Record<string, string | undefined>;
}
interface HttpResponse {
  setHeader(name: string, value: string): void;
}

/**
 * The one guard on every HTTP route (registered globally by AuthModule). With AUTH_MODE=on a
 * route must declare @Public() or @Roles(...): one that declares neither is refused (403),
 * so a new route cannot be open by omission; the caller needs a valid bearer token (401)
 * carrying one of the route's roles (403). Event handlers (Kafka) are not HTTP and pass.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    private readonly verifier: TokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http' || this.config.AUTH_MODE === 'off') return true;
    const policy = policyOf(this.reflector, context.getHandler(), context.getClass());
    if (!policy) {
      throw new ForbiddenException({
        statusCode: 403, error: 'Forbidden', code: 'route-without-access-policy',
        message: 'This route declares no access policy (@Roles or @Public), so nobody may call it.',
      });
    }
    if ('public' in policy) return true;

    const http = context.switchToHttp();
    const request = http.getRequest<HttpRequest>();
    const token = bearerToken(request);
    if (!token) throw unauthorized(http.getResponse<HttpResponse>(), 'token-required', 'This route needs an Authorization: Bearer <access token> header.');
    let actor;
    try {
      actor = await this.verifier.verify(token);
    } catch (error) {
      if (error instanceof InvalidTokenError) {
        throw unauthorized(http.getResponse<HttpResponse>(), 'invalid-token', `The bearer token was refused (${error.reason}).`, error.reason);
      }
      if (error instanceof IdentityProviderUnavailableError) {
        throw new ServiceUnavailableException({
          statusCode: 503, error: 'Service Unavailable', code: 'identity-provider-unavailable',
          message: 'Tokens cannot be checked right now: the identity provider does not answer. Try again shortly.',
        });
      }
      throw error;
    }
    if (!policy.roles.some((role) => actor.roles.includes(role))) {
      throw new ForbiddenException({
        statusCode: 403, error: 'Forbidden', code: 'role-required',
        message: `This route needs one of the roles: ${policy.roles.join(', ')}.`,
      });
    }
    this.checkOwnProvider(context, policy.roles, actor, request);
    attachActor(request, actor);
    return true;
  }

  /** On an @OwnProvider route, a caller in only by a provider role may act for its own provider alone. */
  private checkOwnProvider(context: ExecutionContext, allowed: readonly Role[], actor: Actor, request: HttpRequest): void {
    const parameter = this.reflector.getAllAndOverride<string | undefined>(OWN_PROVIDER_METADATA, [context.getHandler(), context.getClass()]);
    if (!parameter) return;
    const inByAnotherRole = allowed.some((role) => !PROVIDER_ROLES.includes(role) && actor.roles.includes(role));
    if (inByAnotherRole) return;
    if (!actor.providerId || request.params?.[parameter] !== actor.providerId) {
      throw new ForbiddenException({
        statusCode: 403, error: 'Forbidden', code: 'other-provider',
        message: `This token acts for ${actor.providerId ? `provider ${actor.providerId}` : 'no provider'}; it may not act for another.`,
      });
    }
  }
}

function bearerToken(request: HttpRequest): string | null {
  const header = request.headers.authorization;
  const value = Array.isArray(header) ? header[0] : header;
  const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/i.exec(value ?? '');
  return match ? match[1] : null;
}

/** 401 with the RFC 6750 challenge, so clients know to fetch (another) token. */
function unauthorized(response: HttpResponse, code: string, message: string, reason?: string): HttpException {
  response.setHeader('WWW-Authenticate', reason ? `Bearer error="invalid_token", error_description="${reason}"` : 'Bearer');
  return new UnauthorizedException({ statusCode: HttpStatus.UNAUTHORIZED, error: 'Unauthorized', code, message });
}
