import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpRequest, HttpRequestError } from './http-client';

describe('httpRequest (node:http with keep-alive)', () => {
  let server: http.Server;
  let base: string;
  const seen: Array<{ method?: string; url?: string; headers: http.IncomingHttpHeaders; body: string }> = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, headers: req.headers, body });
        if (req.url === '/silent') return; // never answers
        res.statusCode = req.url === '/broken' ? 503 : 200;
        res.end(JSON.stringify({ echo: body }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends method, headers and a UTF-8 body of the right length, and returns status and body', async () => {
    const res = await httpRequest(`${base}/hook`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-token': 'abc' }, body: '{"name":"Zoë"}', timeoutMs: 2000 });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body.toString())).toEqual({ echo: '{"name":"Zoë"}' });
    const last = seen[seen.length - 1];
    expect(last).toMatchObject({ method: 'POST', url: '/hook', body: '{"name":"Zoë"}' });
    expect(last.headers).toMatchObject({ 'x-token': 'abc', 'content-length': String(Buffer.byteLength('{"name":"Zoë"}')) });
  });

  it('resolves an error status (the caller decides what it means)', async () => {
    await expect(httpRequest(`${base}/broken`, { timeoutMs: 2000 })).resolves.toMatchObject({ status: 503 });
  });

  it('rejects with TimeoutError when no answer comes in time', async () => {
    const error = await httpRequest(`${base}/silent`, { timeoutMs: 150 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpRequestError);
    expect((error as HttpRequestError).name).toBe('TimeoutError');
  });

  it('rejects with NetworkError when nothing listens, and for a URL it cannot use', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(httpRequest(`http://127.0.0.1:${port}/`, { timeoutMs: 2000 })).rejects.toMatchObject({ name: 'NetworkError' });
    await expect(httpRequest('ftp://example.test/x', { timeoutMs: 2000 })).rejects.toMatchObject({ name: 'NetworkError' });
    await expect(httpRequest('not a url', { timeoutMs: 2000 })).rejects.toMatchObject({ name: 'NetworkError' });
  });
});
