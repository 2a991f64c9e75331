import 'reflect-metadata';
import { Controller, Get, Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { clientToken, DEMO_USERS, demoUserToken, ensureKeycloak, KEYCLOAK_ISSUER, masterRealmAdminToken, SYSTEM_CLIENTS } from '@ddp/testing';
import { decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';
import { loadAuthConfig } from './auth.config';
import { CurrentActor, Roles } from './auth.decorators';
import { AuthModule } from './auth.module';
import { ACCESS, ROLES } from './roles';
import { ClientCredentialsTokens } from './client-credentials';
import { InvalidTokenError, TokenVerifier, type Actor } from './token-verifier';

@Controller()
class ProbeController {
  @Roles(...ROLES) @Get('who') who(@CurrentActor() actor: Actor) {
    return actor;
  }

  @Roles(...ACCESS.supervise) @Get('supervise') supervise() {
    return { ok: true };
  }
}

@Module({ imports: [AuthModule.forRoot(loadAuthConfig({ AUTH_MODE: 'on', AUTH_ISSUER: KEYCLOAK_ISSUER }))], controllers: [ProbeController] })
class ProbeModule {}

/** Real tokens from the running Keycloak (infra/keycloak), and forged ones, through the guard. */
describe('the guard against the real Keycloak', () => {
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    const seconds = ensureKeycloak();
    process.stderr.write(`[keycloak.int-spec] Keycloak ready after ${seconds.toFixed(1)} s\n`);
    app = await NestFactory.create(ProbeModule, { logger: false });
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  }, 600_000);
  afterAll(() => app?.close());

  const call = (path: string, token?: string) => fetch(`${base}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it.each(SYSTEM_CLIENTS)('accepts $clientId (client credentials) with role $role and its provider', async ({ clientId, role, providerId }) => {
    const response = await call('/who', await clientToken(clientId));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ subject: expect.any(String), clientId, roles: [role], providerId, area: providerId ? expect.any(String) : null });
  });

  it.each(DEMO_USERS)('accepts $username (password grant) with role $role and its provider', async ({ username, role, providerId }) => {
    const response = await call('/who', await demoUserToken(username));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ clientId: 'ddp-local-cli', roles: [role], providerId });
  });

  it('accepts the notification service calling with its own client-credentials token (ClientCredentialsTokens)', async () => {
    const tokens = new ClientCredentialsTokens({ issuer: KEYCLOAK_ISSUER, clientId: 'notification-service', clientSecret: 'notification-service-local-secret' });
    const response = await fetch(`${base}/who`, { headers: { authorization: await tokens.authorizationHeader() } });
    expect(await response.json()).toMatchObject({ clientId: 'notification-service', roles: ['contact-reader'] });
  });

  it('lets a supervisor through a supervisor route and refuses an officer with 403', async () => {
    expect((await call('/supervise', await demoUserToken('demo-supervisor'))).status).toBe(200);
    expect((await call('/supervise', await demoUserToken('demo-officer'))).status).toBe(403);
  });

  it('refuses a real token once it has expired (checked as if read 10 minutes later)', async () => {
    const token = await clientToken('police-system');
    const later = new TokenVerifier(loadAuthConfig({ AUTH_ISSUER: KEYCLOAK_ISSUER }), () => new Date(Date.now() + 10 * 60_000));
    await expect(later.verify(token)).rejects.toEqual(new InvalidTokenError('expired'));
  });

  it('refuses a real token for another audience', async () => {
    const token = await clientToken('police-system');
    const elsewhere = new TokenVerifier(loadAuthConfig({ AUTH_ISSUER: KEYCLOAK_ISSUER, AUTH_AUDIENCE: 'another-api' }));
    await expect(elsewhere.verify(token)).rejects.toEqual(new InvalidTokenError('wrong-audience'));
  });

  describe('refuses with 401 invalid_token', () => {
    it.each([
      ['a real token of another issuer (the master realm)', () => masterRealmAdminToken(), 'unknown-key'],
      ['the same claims signed by another key under Keycloak\'s key id', () => forged({ sameKeyId: true }), 'bad-signature'],
      ['the same claims signed by another key under a new key id', () => forged({ sameKeyId: false }), 'unknown-key'],
      ['the same claims with alg none and no signature', async () => unsigned(await demoUserToken('demo-supervisor')), 'algorithm-not-allowed'],
    ])('%s', async (_case, make, reason) => {
      const response = await call('/supervise', await make());
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toContain(`error_description="${reason}"`);
    });
  });

  /** A supervisor's real claims, re-signed with a key Keycloak never had. */
  async function forged({ sameKeyId }: { sameKeyId: boolean }): Promise<string> {
    const real = await demoUserToken('demo-supervisor');
    const { kid } = decodeProtectedHeader(real);
    const { privateKey } = await generateKeyPair('RS256');
    return new SignJWT(decodeJwt(real)).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: sameKeyId ? kid : 'forged-key' }).sign(privateKey);
  }
});

function unsigned(jwt: string): string {
  return `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${jwt.split('.')[1]}.`;
}
