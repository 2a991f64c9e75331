import http from 'node:http';
import https from 'node:https';

export interface HttpResponse {
  status: number;
  body: Buffer;
}

export interface HttpRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** The whole exchange (connect, send, answer) must end within this many ms. */
  timeoutMs: number;
}

/** A request that got no complete answer: `name` is 'TimeoutError' or 'NetworkError'. */
export class HttpRequestError extends Error {
  constructor(
    override readonly name: 'TimeoutError' | 'NetworkError',
    message: string,
  ) {
    super(message);
  }
}

// Connections are kept open and reused: a delivery service calls the same few hosts all day.
const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 64 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 64 }),
};

/**
 * One HTTP exchange over pooled keep-alive connections, the body read in full. Used
 * instead of the global fetch where a service calls out per notice: measured on this
 * machine, node:http costs about a third of fetch's CPU per call (bench notes, README).
 * Any status resolves; no answer (refused, reset, timed out) rejects with HttpRequestError.
 */
export function httpRequest(url: string, options: HttpRequestOptions): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      reject(new HttpRequestError('NetworkError', `not a URL: ${url}`));
      return;
    }
    const transport = target.protocol === 'https:' ? https : target.protocol === 'http:' ? http : null;
    if (!transport) {
      reject(new HttpRequestError('NetworkError', `unsupported protocol ${target.protocol}`));
      return;
    }
    const headers: Record<string, string | number> = { ...(options.headers ?? {}) };
    if (options.body !== undefined) headers['content-length'] = Buffer.byteLength(options.body);
    const request = transport.request(target, { method: options.method ?? 'GET', headers, agent: agents[target.protocol as 'http:' | 'https:'] }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        clearTimeout(timer);
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks) });
      });
      response.on('error', (error) => fail(new HttpRequestError('NetworkError', error.message)));
    });
    const fail = (error: HttpRequestError) => {
      clearTimeout(timer);
      request.destroy();
      reject(error);
    };
    const timer = setTimeout(() => fail(new HttpRequestError('TimeoutError', `no complete answer within ${options.timeoutMs} ms`)), options.timeoutMs);
    request.on('error', (error) => fail(new HttpRequestError('NetworkError', error.message)));
    request.end(options.body);
  });
}
