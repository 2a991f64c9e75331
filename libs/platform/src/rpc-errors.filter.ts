import { Catch, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { throwError, type Observable } from 'rxjs';

/**
 * Nest's default RPC filter turns every event-handler error into a generic object,
 * losing its type. The consumer needs the real error to tell a permanent failure
 * (dead-letter now) from a transient one (retry), so in an RPC context the error is
 * rethrown untouched; HTTP errors get Nest's usual handling.
 */
@Catch()
export class PropagateRpcErrorsFilter extends BaseExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): Observable<never> | void {
    if (host.getType() === 'rpc') return throwError(() => exception);
    return super.catch(exception, host);
  }
}
