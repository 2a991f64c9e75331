import { BadRequestException } from '@nestjs/common';
import type { Request, Response } from 'express';
import { JsonLogger } from '../logging/json-logger';
import { clientErrorAnswer, ClientErrorResponder } from './client-errors';

/** Errors as the body parser (http-errors) raises them. */
const parserError = (status: number, type: string, message: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new (type === 'entity.parse.failed' ? SyntaxError : Error)(message), { status, statusCode: status, expose: true, type, ...extra });

describe('client errors: answered in our shape, quoting nothing of the request', () => {
  const secret = 'Smithers 07700 900123';

  it.each([
    [parserError(400, 'entity.parse.failed', `Unexpected token 'S', "{"name": ${secret}}" is not valid JSON`), 400, 'malformed-json', 'The body is not valid JSON'],
    [parserError(400, 'entity.parse.failed', `Expected ',' or '}' after property value in JSON at position 12`), 400, 'malformed-json', 'The body is not valid JSON (error at position 12)'],
    [parserError(413, 'entity.too.large', 'request entity too large', { limit: 102400 }), 413, 'body-too-large', 'The body is larger than the limit of 102400 bytes'],
    [parserError(415, 'encoding.unsupported', 'unsupported content encoding "br2"'), 415, 'unsupported-encoding', 'The Content-Encoding is not supported: send identity, gzip or deflate'],
    [parserError(415, 'charset.unsupported', 'unsupported charset "KOI8-R"'), 415, 'unsupported-charset', 'The charset is not supported: send UTF-8'],
    [Object.assign(new Error('incorrect header check'), { status: 400, code: 'Z_DATA_ERROR' }), 400, 'bad-compressed-body', 'The body is not valid data for its Content-Encoding'],
    [new BadRequestException(`Failed to decode param '${secret}%E0'`), 400, 'bad-path-encoding', 'A path parameter is not valid percent-encoding (UTF-8)'],
  ])('%s', (error, status, kind, message) => {
    const answer = clientErrorAnswer(error);
    expect(answer).toMatchObject({ status, kind, body: { statusCode: status, message } });
    expect(JSON.stringify(answer)).not.toContain('Smithers');
  });

  it('leaves our own errors alone: a 500 keeps its handling, a validation 400 its issues', () => {
    expect(clientErrorAnswer(new Error('relation "x" does not exist'))).toBeNull();
    expect(clientErrorAnswer(new BadRequestException({ message: 'The request is invalid', issues: [] }))).toBeNull();
    expect(clientErrorAnswer(Object.assign(new Error('boom'), { status: 503 }))).toBeNull();
  });

  it('logs a bad request as one warning line without a stack, and a flood of them as a few lines', () => {
    const lines: string[] = [];
    const responder = new ClientErrorResponder(new JsonLogger('referral', 'log', (line) => lines.push(line)));
    const response = { headersSent: false, status: jest.fn().mockReturnThis(), json: jest.fn().mockReturnThis() } as unknown as Response;
    for (let i = 0; i < 500; i++) {
      expect(responder.respond(Object.assign(new Error('incorrect header check'), { status: 400, code: 'Z_DATA_ERROR' }), { method: 'POST' } as Request, response)).toBe(true);
    }
    expect(lines.length).toBeLessThanOrEqual(5);
    for (const line of lines) {
      const entry = JSON.parse(line);
      expect(entry).toMatchObject({ level: 'warn', msg: 'bad request refused', kind: 'bad-compressed-body', status: 400 });
      expect(line).not.toContain('stack');
    }
  });
});
