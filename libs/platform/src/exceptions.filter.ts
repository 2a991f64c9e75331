import { Catch, Inject, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Request, Response } from 'express';
import { throwError, type Observable } from 'rxjs';
import { ClientErrorResponder } from './http/client-errors';
import { JsonLogger } from './logging/json-logger';

/**
 * Errors of both contexts, in one place:
 * - RPC (event handlers): Nest's default filter turns every error into a generic object,
 *   losing its type. The consumer needs the real error to tell a permanent failure
 *   (dead-letter now) from a transient one (retry), so it is rethrown untouched.
 * - HTTP: a request the router refused (a bad path escape) is answered by ClientErrorResponder,
 *   as the body parser's refusals are; everything else gets Nest's usual handling (a 500 is
 *   logged with its stack).
 */
@Catch()
export class PlatformExceptionsFilter extends BaseExceptionFilter {
  private readonly clientErrors: ClientErrorResponder;

  constructor(@Inject(JsonLogger) logger: JsonLogger) {
    super();
    this.clientErrors = new ClientErrorResponder(logger);
  }

  override catch(exception: unknown, host: ArgumentsHost): Observable<never> | void {
    if (host.getType() === 'rpc') return throwError(() => exception);
    const http = host.switchToHttp();
    if (host.getType() === 'http' && this.clientErrors.respond(exception, http.getRequest<Request>(), http.getResponse<Response>())) return;
    return super.catch(exception, host);
  }
}
