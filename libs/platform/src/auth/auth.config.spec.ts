import { ConfigError } from '../config/service-config';
import { loadAuthConfig } from './auth.config';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadAuthConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('loadAuthConfig', () => {
  it('defaults to authentication off against the local Keycloak realm, with Keycloak claim names', () => {
    const config = loadAuthConfig({});
    expect(config).toMatchObject({
      AUTH_MODE: 'off', AUTH_ISSUER: 'http://127.0.0.1:8180/realms/ddp', AUTH_AUDIENCE: 'ddp-api',
      AUTH_ROLES_CLAIM: 'realm_access.roles', AUTH_PROVIDER_ID_CLAIM: 'provider_id', AUTH_AREA_CLAIM: 'area', AUTH_CLIENT_ID_CLAIM: 'azp',
    });
    expect(config.algorithms).toEqual(['RS256']);
  });

  it('refuses to start in production with authentication off, naming AUTH_MODE', () => {
    expect(problemsOf({ NODE_ENV: 'production', AUTH_ISSUER: 'https://login.example/tenant/v2.0' })).toEqual([
      'AUTH_MODE (got "off"): must be "on" when NODE_ENV=production; every caller must present a token',
    ]);
  });

  it('refuses a plain-HTTP issuer in production, naming AUTH_ISSUER', () => {
    expect(problemsOf({ NODE_ENV: 'production', AUTH_MODE: 'on' })).toEqual([
      'AUTH_ISSUER (got "http://127.0.0.1:8180/realms/ddp"): must be an https:// issuer when NODE_ENV=production',
    ]);
  });

  it('starts in production with authentication on and an https issuer (Entra ID claim names)', () => {
    const config = loadAuthConfig({
      NODE_ENV: 'production', AUTH_MODE: 'on', AUTH_ISSUER: 'https://login.microsoftonline.com/tenant-id/v2.0',
      AUTH_AUDIENCE: 'api://ddp-api', AUTH_ROLES_CLAIM: 'roles', AUTH_CLIENT_ID_CLAIM: 'azp',
    });
    expect(config.AUTH_ROLES_CLAIM).toBe('roles');
  });

  it.each(['none', 'HS256', 'RS256,none', 'RS256,'])('refuses AUTH_ALGORITHMS=%s: asymmetric signatures only', (algorithms) => {
    expect(problemsOf({ AUTH_ALGORITHMS: algorithms })).toEqual([expect.stringMatching(/^AUTH_ALGORITHMS \(got ".*"\): AUTH_ALGORITHMS must be a comma-separated list of RS256/)]);
  });

  it('names each bad variable', () => {
    expect(problemsOf({ AUTH_MODE: 'maybe', AUTH_ISSUER: 'keycloak', AUTH_CLOCK_TOLERANCE_S: '600', AUTH_ROLES_CLAIM: 'realm access' }).map((p) => p.split(' ')[0])).toEqual([
      'AUTH_MODE', 'AUTH_ISSUER', 'AUTH_ROLES_CLAIM', 'AUTH_CLOCK_TOLERANCE_S',
    ]);
  });
});
