import { HttpException } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { STATUS_CODES } from 'node:http';
import { describeJsonSyntaxError } from '@ddp/contracts';
import type { JsonLogger } from '../logging/json-logger';
import { RateLimitedLog } from '../logging/rate-limited-log';

/** The JSON body limit (the body parser's default, made explicit): no contract comes near it. */
export const JSON_BODY_LIMIT_BYTES = 100 * 1024;

/** The answer to a request refused before any route saw it (by the body parser or the router). */
export interface ClientErrorAnswer {
  status: number;
  /** Names the kind of fault, for the log: never anything from the request. */
  kind: string;
  body: { statusCode: number; error: string; message: string; issues?: Array<{ path: string; rule: string; message: string }> };
}

interface ErrorShape {
  status?: unknown;
  statusCode?: unknown;
  type?: unknown;
  code?: unknown;
  limit?: unknown;
  message?: unknown;
}

/**
 * Errors the body parser (http-errors with a 4xx status) and the router raise for a bad
 * request, answered in the platform's error shape with a message of our own: theirs quote the
 * request (a JSON syntax error quotes the text around it: a name, a phone number).
 * null: not a client error (a fault of ours, answered 500 and logged in full).
 */
export function clientErrorAnswer(exception: unknown): ClientErrorAnswer | null {
  if (!(exception instanceof Error)) return null;
  // Nest turns the router's URIError into a BadRequestException quoting the path; ours quote nothing.
  if (exception instanceof HttpException) return exception.message.startsWith('Failed to decode param') ? badPathEncoding() : null;
  const e = exception as ErrorShape;
  const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : undefined;
  if (status === undefined || status < 400 || status > 499) return null;
  const type = typeof e.type === 'string' ? e.type : '';
  const code = typeof e.code === 'string' ? e.code : '';
  const answer = (kind: string, message: string, issue?: { path: string; rule: string }): ClientErrorAnswer => ({
    status,
    kind,
    body: { statusCode: status, error: STATUS_CODES[status] ?? 'Client Error', message, ...(issue ? { issues: [{ ...issue, message }] } : {}) },
  });

  if (type === 'entity.parse.failed') return answer('malformed-json', `The body ${describeJsonSyntaxError(exception)}`, { path: '(body)', rule: 'isJson' });
  if (type === 'entity.too.large') {
    return answer('body-too-large', `The body is larger than the limit${typeof e.limit === 'number' ? ` of ${e.limit} bytes` : ''}`);
  }
  if (type === 'encoding.unsupported') return answer('unsupported-encoding', 'The Content-Encoding is not supported: send identity, gzip or deflate');
  if (type === 'charset.unsupported') return answer('unsupported-charset', 'The charset is not supported: send UTF-8');
  if (type === 'request.aborted' || type === 'request.size.invalid') return answer('body-incomplete', 'The body ended before its Content-Length');
  if (code.startsWith('Z_')) return answer('bad-compressed-body', 'The body is not valid data for its Content-Encoding');
  if (exception instanceof URIError) return badPathEncoding();
  return answer(`client-error-${status}`, STATUS_CODES[status] ?? 'The request was refused');
}

function badPathEncoding(): ClientErrorAnswer {
  const message = 'A path parameter is not valid percent-encoding (UTF-8)';
  return { status: 400, kind: 'bad-path-encoding', body: { statusCode: 400, error: 'Bad Request', message, issues: [{ path: '(path)', rule: 'isPercentEncoded', message }] } };
}

/**
 * Answers a client error (clientErrorAnswer) and notes it in the log as one warning line,
 * a few per kind a minute: a client's bad request is no fault of the service.
 */
export class ClientErrorResponder {
  private readonly warnings = new RateLimitedLog();

  constructor(private readonly logger: JsonLogger) {}

  /** false: not a client error, left to the caller. */
  respond(exception: unknown, request: Request, response: Response): boolean {
    const answer = clientErrorAnswer(exception);
    if (!answer) return false;
    const { write, suppressed } = this.warnings.admit(answer.kind);
    if (write) {
      this.logger.warn(
        { msg: 'bad request refused', kind: answer.kind, status: answer.status, method: request.method, ...(suppressed ? { suppressedSinceLast: suppressed } : {}) },
        'HttpEdge',
      );
    }
    if (!response.headersSent) response.status(answer.status).json(answer.body);
    return true;
  }

  /** The same as Express error middleware, placed right after the body parser. */
  middleware() {
    return (error: unknown, request: Request, response: Response, next: NextFunction): void => {
      if (!this.respond(error, request, response)) next(error);
    };
  }
}
