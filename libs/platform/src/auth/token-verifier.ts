import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { AuthConfig } from './auth.config';

/** Who is calling, from a verified token: what the services record as the actor of a change. */
export interface Actor {
  /** The token's subject (`sub`): the person, or the client's service account. */
  subject: string;
  /** The client (application) that obtained the token, when the token names it. */
  clientId: string | null;
  roles: readonly string[];
  /** The provider a provider-caseworker or provider-system acts for. */
  providerId: string | null;
  area: string | null;
}

/** Why a token was refused; safe to show the caller (it carries nothing of the token). */
export type TokenRefusal = 'malformed' | 'expired' | 'not-yet-valid' | 'bad-signature' | 'unknown-key' | 'algorithm-not-allowed' | 'wrong-issuer' | 'wrong-audience' | 'invalid-claims';

export class InvalidTokenError extends Error {
  constructor(readonly reason: TokenRefusal) {
    super(`token refused: ${reason}`);
    this.name = 'InvalidTokenError';
  }
}

/** The issuer's discovery document or signing keys could not be fetched: no token can be checked. */
export class IdentityProviderUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IdentityProviderUnavailableError';
  }
}

const DISCOVERY_TIMEOUT_MS = 5000;

/**
 * Verifies bearer JWTs against one OpenID Connect issuer: signature with the issuer's keys
 * (found through its discovery document, cached; jose's remote key set refetches when a
 * token names a key it has not seen, which is how key rotation arrives), issuer, audience,
 * expiry within a small clock tolerance, and an allowed-algorithm list.
 */
export class TokenVerifier {
  private keys: Promise<JWTVerifyGetKey> | null = null;

  /**
   * `now` is the real time, not the platform's Clock: the issuer stamps tokens with real
   * time, and a controllable test clock moved days ahead would find every token expired.
   * Tests pass their own to check expiry.
   */
  constructor(
    private readonly config: AuthConfig,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async verify(token: string): Promise<Actor> {
    const keys = await this.signingKeys();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: this.config.AUTH_ISSUER,
        audience: this.config.AUTH_AUDIENCE,
        algorithms: this.config.algorithms,
        clockTolerance: this.config.AUTH_CLOCK_TOLERANCE_S,
        requiredClaims: ['exp', 'sub'],
        currentDate: this.now(),
      }));
    } catch (error) {
      throw refusalOf(error);
    }
    return this.actorOf(payload);
  }

  private actorOf(payload: JWTPayload): Actor {
    const roles = claimAt(payload, this.config.AUTH_ROLES_CLAIM);
    return {
      subject: payload.sub as string,
      clientId: stringOrNull(claimAt(payload, this.config.AUTH_CLIENT_ID_CLAIM)),
      roles: Array.isArray(roles) ? roles.filter((role): role is string => typeof role === 'string') : [],
      providerId: stringOrNull(claimAt(payload, this.config.AUTH_PROVIDER_ID_CLAIM)),
      area: stringOrNull(claimAt(payload, this.config.AUTH_AREA_CLAIM)),
    };
  }

  /** The issuer's key set, discovered once; a failed discovery is tried again on the next request. */
  private signingKeys(): Promise<JWTVerifyGetKey> {
    this.keys ??= this.discover().catch((error: unknown) => {
      this.keys = null;
      throw error;
    });
    return this.keys;
  }

  private async discover(): Promise<JWTVerifyGetKey> {
    const url = this.config.discoveryUrl;
    let document: { issuer?: unknown; jwks_uri?: unknown };
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS), headers: { accept: 'application/json' } });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      document = (await response.json()) as typeof document;
    } catch (error) {
      throw new IdentityProviderUnavailableError(`the issuer's discovery document ${url} could not be read (${(error as Error).message})`);
    }
    // OpenID Connect Discovery 1.0 §4.3: the document's issuer must be the issuer it was fetched for.
    if (document.issuer !== this.config.AUTH_ISSUER) {
      throw new IdentityProviderUnavailableError(`the discovery document at ${url} names issuer ${JSON.stringify(document.issuer)}, not AUTH_ISSUER ${this.config.AUTH_ISSUER}`);
    }
    if (typeof document.jwks_uri !== 'string') throw new IdentityProviderUnavailableError(`the discovery document at ${url} has no jwks_uri`);
    return createRemoteJWKSet(new URL(document.jwks_uri), {
      cacheMaxAge: this.config.AUTH_JWKS_MAX_AGE_MS,
      cooldownDuration: this.config.AUTH_JWKS_COOLDOWN_MS,
      timeoutDuration: DISCOVERY_TIMEOUT_MS,
    });
  }
}

function refusalOf(error: unknown): Error {
  if (error instanceof errors.JWTExpired) return new InvalidTokenError('expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'iss') return new InvalidTokenError('wrong-issuer');
    if (error.claim === 'aud') return new InvalidTokenError('wrong-audience');
    if (error.claim === 'nbf' || error.claim === 'iat') return new InvalidTokenError('not-yet-valid');
    return new InvalidTokenError('invalid-claims');
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return new InvalidTokenError('algorithm-not-allowed');
  if (error instanceof errors.JWSSignatureVerificationFailed) return new InvalidTokenError('bad-signature');
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) return new InvalidTokenError('unknown-key');
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) {
    return new IdentityProviderUnavailableError(`the issuer's signing keys could not be fetched (${error.code})`);
  }
  if (error instanceof errors.JOSEError) return new InvalidTokenError('malformed');
  // Anything else comes from fetching the key set (network), not from the token.
  return new IdentityProviderUnavailableError(`the issuer's signing keys could not be fetched (${(error as Error).message})`);
}

/** A claim by name, or else by dotted path (realm_access.roles); a name may itself hold dots (Entra ID's extn.provider_id). */
function claimAt(payload: JWTPayload, path: string): unknown {
  if (path in payload) return payload[path];
  let value: unknown = payload;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

const stringOrNull = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
