import 'reflect-metadata';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { ConfigError, loadConfig } from '../config/service-config';

/** Signature algorithms a token may use: asymmetric only (never `none`, never a shared HMAC secret). */
export const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;

const CLAIM_PATH = /^[A-Za-z0-9_:/-]+(\.[A-Za-z0-9_:/-]+)*$/;
const CLAIM_PATH_MESSAGE = (name: string) => `${name} must be a claim name, or a dotted path into the token (e.g. realm_access.roles)`;

/**
 * How callers are authenticated: any OpenID Connect issuer (the local Keycloak, or the
 * force's own, e.g. Microsoft Entra ID). Issuer, audience and claim names are configuration
 * because each identity provider names them differently (README, "Identity and access").
 */
export class AuthConfig {
  /** 'on' checks a bearer token and the route's roles on every HTTP route; 'off' lets every call through (never in production). */
  @IsIn(['off', 'on']) AUTH_MODE: 'off' | 'on' = 'off';

  @IsOptional() @IsString() NODE_ENV?: string;

  /** The issuer exactly as tokens carry it in `iss`; its discovery document names the signing keys. */
  @Matches(/^https?:\/\/[^\s/]+(\/\S*)?$/, { message: 'AUTH_ISSUER must be the issuer URL (http(s)://host/…), exactly as tokens carry it in iss' })
  AUTH_ISSUER = 'http://127.0.0.1:8180/realms/ddp';

  /**
   * Where to read the issuer's discovery document when the service reaches the issuer by another
   * address than the one tokens name (a container network); default AUTH_ISSUER's own.
   */
  @IsOptional() @Matches(/^https?:\/\/\S+$/, { message: 'AUTH_DISCOVERY_URL must be an http(s) URL of the discovery document' })
  AUTH_DISCOVERY_URL?: string;

  /** The audience (`aud`) a token must be for. */
  @IsString() @Matches(/^\S+$/, { message: 'AUTH_AUDIENCE must be one audience, without spaces' }) AUTH_AUDIENCE = 'ddp-api';

  /** Where the caller's roles are: Keycloak realm roles `realm_access.roles`, Entra ID app roles `roles`. */
  @Matches(CLAIM_PATH, { message: CLAIM_PATH_MESSAGE('AUTH_ROLES_CLAIM') }) AUTH_ROLES_CLAIM = 'realm_access.roles';

  @Matches(CLAIM_PATH, { message: CLAIM_PATH_MESSAGE('AUTH_PROVIDER_ID_CLAIM') }) AUTH_PROVIDER_ID_CLAIM = 'provider_id';

  @Matches(CLAIM_PATH, { message: CLAIM_PATH_MESSAGE('AUTH_AREA_CLAIM') }) AUTH_AREA_CLAIM = 'area';

  /** The client (application) that obtained the token: `azp` in Keycloak and Entra ID v2 tokens, `appid` in Entra v1. */
  @Matches(CLAIM_PATH, { message: CLAIM_PATH_MESSAGE('AUTH_CLIENT_ID_CLAIM') }) AUTH_CLIENT_ID_CLAIM = 'azp';

  /** Comma-separated signature algorithms accepted. */
  @Matches(new RegExp(`^(${ASYMMETRIC_ALGORITHMS.join('|')})(,(${ASYMMETRIC_ALGORITHMS.join('|')}))*$`), {
    message: `AUTH_ALGORITHMS must be a comma-separated list of ${ASYMMETRIC_ALGORITHMS.join(', ')}`,
  })
  AUTH_ALGORITHMS = 'RS256';

  /** Seconds of clock difference allowed on exp/nbf/iat: small, the issuer and services keep NTP time. */
  @Transform(({ value }) => Number(value)) @IsInt() @Min(0) @Max(60) AUTH_CLOCK_TOLERANCE_S = 5;

  /** Longest time the issuer's signing keys are trusted without fetching them again (a key not in the cached set refetches at once). */
  @Transform(({ value }) => Number(value)) @IsInt() @Min(1000) @Max(86_400_000) AUTH_JWKS_MAX_AGE_MS = 600_000;

  /** After fetching the keys (e.g. for a token naming an unknown key), no new fetch for this long: forged key ids cannot hammer the issuer. */
  @Transform(({ value }) => Number(value)) @IsInt() @Min(0) @Max(600_000) AUTH_JWKS_COOLDOWN_MS = 30_000;

  get discoveryUrl(): string {
    return this.AUTH_DISCOVERY_URL ?? `${this.AUTH_ISSUER.replace(/\/$/, '')}/.well-known/openid-configuration`;
  }

  get algorithms(): string[] {
    return this.AUTH_ALGORITHMS.split(',');
  }
}

/**
 * Reads and validates the authentication settings at boot. Production refuses to run
 * without authentication, or with an issuer reached over plain HTTP; each refusal names
 * the variable.
 */
export function loadAuthConfig(env: Record<string, string | undefined> = process.env): AuthConfig {
  const config = loadConfig(AuthConfig, env);
  const problems: string[] = [];
  if (config.NODE_ENV === 'production') {
    if (config.AUTH_MODE !== 'on') problems.push(`AUTH_MODE (got "${config.AUTH_MODE}"): must be "on" when NODE_ENV=production; every caller must present a token`);
    if (!config.AUTH_ISSUER.startsWith('https://')) problems.push(`AUTH_ISSUER (got "${config.AUTH_ISSUER}"): must be an https:// issuer when NODE_ENV=production`);
  }
  if (problems.length) throw new ConfigError(problems);
  return config;
}
