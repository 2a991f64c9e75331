import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { badRequest } from '../common/api-error';

export const ACTOR_HEADER = 'x-actor-id';
const ACTOR = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$/;

/** The acting caseworker, from the x-actor-id header (recorded in every *_by column). 400 when missing. */
export const ActorId = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const request = ctx.switchToHttp().getRequest<Request>();
  const raw = request.headers[ACTOR_HEADER];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value || !ACTOR.test(value)) {
    throw badRequest('actor-required', `Header ${ACTOR_HEADER} must name the acting caseworker (1-100 characters: letters, digits, . _ @ -)`);
  }
  return value;
});
