import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ClientCredentialsTokens } from './client-credentials';

/** A token endpoint that counts requests and answers tokens t1, t2, … living 300 s, or refuses a wrong secret. */
async function startTokenEndpoint() {
  const forms: URLSearchParams[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const json = (status: number, value: object) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      if (request.url?.endsWith('/.well-known/openid-configuration')) return json(200, { issuer, token_endpoint: `${issuer}/token` });
      const form = new URLSearchParams(body);
      forms.push(form);
      if (form.get('client_secret') !== 'right') return json(401, { error: 'unauthorized_client' });
      setTimeout(() => json(200, { access_token: `t${forms.length}`, expires_in: 300, token_type: 'Bearer' }), 20);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/realms/stub`;
  return { issuer, forms, server };
}

describe('ClientCredentialsTokens', () => {
  let endpoint: Awaited<ReturnType<typeof startTokenEndpoint>>;
  beforeAll(async () => {
    endpoint = await startTokenEndpoint();
  });
  beforeEach(() => endpoint.forms.splice(0));
  afterAll(() => endpoint.server.close());

  it('asks the token endpoint once for callers at the same moment and reuses the token until shortly before it expires', async () => {
    let now = 1_000_000;
    const tokens = new ClientCredentialsTokens({ issuer: endpoint.issuer, clientId: 'notification-service', clientSecret: 'right', scope: 'api://ddp-api/.default' }, () => now);
    expect(await Promise.all([tokens.token(), tokens.token(), tokens.authorizationHeader()])).toEqual(['t1', 't1', 'Bearer t1']);
    now += 269_000;
    expect(await tokens.token()).toBe('t1');
    now += 2_000; // 30 s before the 300 s lifetime ends
    expect(await tokens.token()).toBe('t2');
    expect(endpoint.forms.map((form) => Object.fromEntries(form))).toEqual([
      { grant_type: 'client_credentials', client_id: 'notification-service', client_secret: 'right', scope: 'api://ddp-api/.default' },
      { grant_type: 'client_credentials', client_id: 'notification-service', client_secret: 'right', scope: 'api://ddp-api/.default' },
    ]);
  });

  it('reports a refusal with the issuer\'s error code and never the secret, and asks again next time', async () => {
    const tokens = new ClientCredentialsTokens({ issuer: endpoint.issuer, clientId: 'notification-service', clientSecret: 'wrong' });
    await expect(tokens.token()).rejects.toThrow('the issuer refused client notification-service a token (HTTP 401, unauthorized_client)');
    await expect(tokens.token()).rejects.toThrow(/HTTP 401/);
    expect(endpoint.forms).toHaveLength(2);
  });
});
