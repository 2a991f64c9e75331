import 'reflect-metadata';
import { Controller, Get, Module, Param, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { loadAuthConfig } from './auth.config';
import { CurrentActor, OwnProvider, Public, Roles } from './auth.decorators';
import { AuthModule } from './auth.module';
import { routePolicies } from './route-policies';
import { ACCESS } from './roles';
import type { Actor } from './token-verifier';

/** An OpenID Connect issuer of our own: discovery document and key set over HTTP, one RS256 key. */
async function startStubIssuer() {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const published: JWK[] = [{ ...(await exportJWK(publicKey)), kid: 'stub-key', alg: 'RS256', use: 'sig' }];
  const server: Server = createServer((request, response) => {
    const body = request.url?.endsWith('/.well-known/openid-configuration') ? { issuer, jwks_uri: `${issuer}/certs` } : request.url?.endsWith('/certs') ? { keys: published } : null;
    response.writeHead(body ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(body ?? {}));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/realms/stub`;
  /** Key rotation as an issuer does it: a new signing key published beside the old one, later the old one withdrawn. */
  let rotations = 0;
  async function rotate(): Promise<{ key: CryptoKey; kid: string }> {
    const next = await generateKeyPair('RS256');
    const kid = `rotated-key-${(rotations += 1)}`;
    published.push({ ...(await exportJWK(next.publicKey)), kid, alg: 'RS256', use: 'sig' });
    return { key: next.privateKey, kid };
  }
  const withdrawFirstKey = () => published.shift();
  return { issuer, privateKey, server, rotate, withdrawFirstKey };
}

@Controller('probe')
class ProbeController {
  @Public() @Get('open') open() {
    return { ok: true };
  }

  @Roles(...ACCESS.supervise) @Get('supervise') supervise(@CurrentActor() actor: Actor | null) {
    return { actor };
  }

  @Roles(...ACCESS.ownProvider, 'operator') @OwnProvider('providerId') @Get('providers/:providerId') provider(@Param('providerId') providerId: string) {
    return { providerId };
  }

  @Get('undeclared') undeclared() {
    return { ok: true };
  }
}

describe('AuthGuard with a stub issuer', () => {
  let stub: Awaited<ReturnType<typeof startStubIssuer>>;
  const apps: INestApplication[] = [];

  beforeAll(async () => {
    stub = await startStubIssuer();
  });
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    stub.server.close();
  });

  async function start(env: Record<string, string>): Promise<string> {
    @Module({ imports: [AuthModule.forRoot(loadAuthConfig({ AUTH_ISSUER: stub.issuer, ...env }))], controllers: [ProbeController] })
    class ProbeModule {}
    const app = await NestFactory.create(ProbeModule, { logger: false });
    await app.listen(0, '127.0.0.1');
    apps.push(app);
    return `${await app.getUrl()}/probe`.replace('[::1]', '127.0.0.1');
  }

  const token = (claims: Record<string, unknown> = {}, options: { key?: CryptoKey; kid?: string; exp?: string; issuer?: string; audience?: string } = {}) =>
    new SignJWT({ realm_access: { roles: ['supervisor'] }, azp: 'demo-client', provider_id: 'p-1', area: 'west-berkshire', ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? 'stub-key' })
      .setSubject('user-1')
      .setIssuer(options.issuer ?? stub.issuer)
      .setAudience(options.audience ?? 'ddp-api')
      .setIssuedAt()
      .setExpirationTime(options.exp ?? '5m')
      .sign(options.key ?? stub.privateKey);

  const call = (url: string, bearer?: string) => fetch(url, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });
  const codeOf = async (response: Response) => ((await response.json()) as { code?: string; message?: string });

  it('with AUTH_MODE=off lets every route through, even one without a policy', async () => {
    const base = await start({ AUTH_MODE: 'off' });
    expect((await call(`${base}/undeclared`)).status).toBe(200);
    expect(await (await call(`${base}/supervise`)).json()).toEqual({ actor: null });
  });

  describe('with AUTH_MODE=on', () => {
    let base: string;
    beforeAll(async () => {
      base = await start({ AUTH_MODE: 'on' });
    });

    it('refuses a route that declares no policy, whatever the token', async () => {
      const response = await call(`${base}/undeclared`, await token());
      expect(response.status).toBe(403);
      expect((await codeOf(response)).code).toBe('route-without-access-policy');
    });

    it('lets a public route through without a token', async () => {
      expect((await call(`${base}/open`)).status).toBe(200);
    });

    it('answers 401 with a Bearer challenge when there is no token', async () => {
      const response = await call(`${base}/supervise`);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expect((await codeOf(response)).code).toBe('token-required');
    });

    it('accepts a valid token with the role and hands the handler the actor from it', async () => {
      const response = await call(`${base}/supervise`, await token());
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        actor: { subject: 'user-1', clientId: 'demo-client', roles: ['supervisor'], providerId: 'p-1', area: 'west-berkshire' },
      });
    });

    it('reads claim names that hold dots as names first (Entra ID extension claims), then as paths', async () => {
      const entraLike = await start({ AUTH_MODE: 'on', AUTH_ROLES_CLAIM: 'roles', AUTH_PROVIDER_ID_CLAIM: 'extn.provider_id', AUTH_AREA_CLAIM: 'org.area' });
      const response = await call(`${entraLike}/supervise`, await token({ roles: ['supervisor'], 'extn.provider_id': 'p-2', org: { area: 'reading' } }));
      expect(await response.json()).toMatchObject({ actor: { roles: ['supervisor'], providerId: 'p-2', area: 'reading' } });
    });

    it('answers 403 naming the roles when the token lacks them', async () => {
      const response = await call(`${base}/supervise`, await token({ realm_access: { roles: ['analyst'] } }));
      expect(response.status).toBe(403);
      expect(await codeOf(response)).toMatchObject({ code: 'role-required', message: 'This route needs one of the roles: supervisor.' });
    });

    it.each([
      ['expired', () => token({}, { exp: '-1m' })],
      ['bad-signature', async () => token({}, { key: (await generateKeyPair('RS256')).privateKey })],
      ['unknown-key', async () => token({}, { key: (await generateKeyPair('RS256')).privateKey, kid: 'another-key' })],
      ['wrong-audience', () => token({}, { audience: 'another-api' })],
      ['wrong-issuer', () => token({}, { issuer: 'http://127.0.0.1:1/realms/another' })],
      ['algorithm-not-allowed', async () => unsigned(await token())],
      ['malformed', async () => 'not.a.token'],
    ])('refuses a token that is %s with 401 invalid_token', async (reason, make) => {
      const response = await call(`${base}/supervise`, await make());
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe(`Bearer error="invalid_token", error_description="${reason}"`);
      expect(await codeOf(response)).toMatchObject({ code: 'invalid-token', message: `The bearer token was refused (${reason}).` });
    });

    it.each([
      ['its own provider', ['provider-caseworker'], 'p-1', 'p-1', 200],
      ['another provider', ['provider-system'], 'p-1', 'p-2', 403],
      ['a provider while its token names none', ['provider-caseworker'], undefined, 'p-1', 403],
      ['any provider when another allowed role lets it in', ['provider-caseworker', 'operator'], 'p-1', 'p-2', 200],
    ])('on an @OwnProvider route, lets a caller act for %s', async (_case, roles, providerId, path, status) => {
      const response = await call(`${base}/providers/${path}`, await token({ realm_access: { roles }, provider_id: providerId }));
      expect(response.status).toBe(status);
      if (status === 403) expect((await codeOf(response)).code).toBe('other-provider');
    });

    it('lists every route with its declared policy, the undeclared one as null', async () => {
      const app = apps[apps.length - 1];
      expect(routePolicies(app)).toEqual([
        { method: 'GET', path: '/probe/open', handler: 'ProbeController.open', policy: { public: true } },
        { method: 'GET', path: '/probe/providers/:providerId', handler: 'ProbeController.provider', policy: { roles: ['provider-caseworker', 'provider-system', 'operator'] } },
        { method: 'GET', path: '/probe/supervise', handler: 'ProbeController.supervise', policy: { roles: ['supervisor'] } },
        { method: 'GET', path: '/probe/undeclared', handler: 'ProbeController.undeclared', policy: null },
      ]);
    });
  });

  it('shows each role-guarded route in OpenAPI as needing a bearer token, with its roles', async () => {
    await start({ AUTH_MODE: 'off' });
    const document = SwaggerModule.createDocument(apps[apps.length - 1], new DocumentBuilder().addBearerAuth().build());
    expect(document.components?.securitySchemes).toEqual({ bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } });
    expect(document.paths['/probe/supervise'].get).toMatchObject({ security: [{ bearer: [] }], 'x-roles': ['supervisor'] });
    expect(document.paths['/probe/open'].get?.security).toBeUndefined();
  });

  it('follows a key rotation: accepts tokens of a newly published key, refuses those of a withdrawn one', async () => {
    const base = await start({ AUTH_MODE: 'on', AUTH_JWKS_COOLDOWN_MS: '0' });
    const before = await token();
    expect((await call(`${base}/supervise`, before)).status).toBe(200);
    expect((await call(`${base}/supervise`, await token({}, await stub.rotate()))).status).toBe(200);
    stub.withdrawFirstKey();
    // The cached set still trusts the withdrawn key until it expires (AUTH_JWKS_MAX_AGE_MS); a fresh verifier does not.
    const fresh = await start({ AUTH_MODE: 'on', AUTH_JWKS_COOLDOWN_MS: '0' });
    expect((await call(`${fresh}/supervise`, before)).status).toBe(401);
  });

  it('reads the discovery document at AUTH_DISCOVERY_URL when set, still requiring the issuer tokens name', async () => {
    const base = await start({ AUTH_MODE: 'on', AUTH_ISSUER: 'http://issuer.invalid/realms/stub', AUTH_DISCOVERY_URL: `${stub.issuer}/.well-known/openid-configuration` });
    // The stub's document names its own issuer, not AUTH_ISSUER: refused as a misconfigured issuer.
    expect((await call(`${base}/supervise`, await token())).status).toBe(503);
    const same = await start({ AUTH_MODE: 'on', AUTH_DISCOVERY_URL: `${stub.issuer}/.well-known/openid-configuration` });
    expect((await call(`${same}/supervise`, await token({}, await stub.rotate()))).status).toBe(200);
  });

  it('answers 503, not 401, while the issuer cannot be reached', async () => {
    const base = await start({ AUTH_MODE: 'on', AUTH_ISSUER: 'http://127.0.0.1:1/realms/gone' });
    const response = await call(`${base}/supervise`, await token());
    expect(response.status).toBe(503);
    expect((await codeOf(response)).code).toBe('identity-provider-unavailable');
  });
});

/** The same claims with `alg: none` and no signature (RFC 7519 §6 unsecured JWT). */
function unsigned(jwt: string): string {
  const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
  return `${header}.${jwt.split('.')[1]}.`;
}
