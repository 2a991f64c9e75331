import { applyDecorators, createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension } from '@nestjs/swagger';
import type { Role } from './roles';
import type { Actor } from './token-verifier';

export const ROLES_METADATA = 'ddp:auth:roles';
export const PUBLIC_METADATA = 'ddp:auth:public';
export const OWN_PROVIDER_METADATA = 'ddp:auth:own-provider';

/** The name of the bearer security scheme in the OpenAPI document (DocumentBuilder.addBearerAuth's default). */
export const BEARER_SCHEME = 'bearer';

/**
 * The roles that may call this route (or every route of this controller). OpenAPI shows the
 * route as needing a bearer token, with its roles in `x-roles`.
 */
export const Roles = (...roles: [Role, ...Role[]]) =>
  applyDecorators(SetMetadata(ROLES_METADATA, roles), ApiBearerAuth(BEARER_SCHEME), ApiExtension('x-roles', roles));

/** A route anyone may call without a token (health probes only, per issue 21). */
export const Public = () => SetMetadata(PUBLIC_METADATA, true);

/**
 * The route acts for the provider named by this path parameter: a caller let in by a
 * provider role (provider-caseworker, provider-system) must carry that provider id in its
 * token, else 403 (issue 21: "a mismatched :id 403").
 */
export const OwnProvider = (parameter: string) => SetMetadata(OWN_PROVIDER_METADATA, parameter);

/** Where the guard leaves the verified caller on the request. */
const ACTOR = Symbol('ddp:actor');

export function attachActor(request: object, actor: Actor): void {
  (request as Record<symbol, Actor>)[ACTOR] = actor;
}

/**
 * The verified caller of this request (subject and client from the token): what a change
 * records as its actor, never a header or body field the caller wrote. Null when
 * AUTH_MODE=off or on a public route.
 */
export function currentActor(request: object): Actor | null {
  return (request as Record<symbol, Actor | undefined>)[ACTOR] ?? null;
}

/** The verified caller as a handler parameter: `@CurrentActor() actor: Actor | null`. */
export const CurrentActor = createParamDecorator((_data: unknown, context: ExecutionContext) => currentActor(context.switchToHttp().getRequest()));
