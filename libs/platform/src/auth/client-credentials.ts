/** What a service needs to call another with its own identity (OAuth 2.0 client credentials, RFC 6749 §4.4). */
export interface ClientCredentialsOptions {
  /** The issuer; its discovery document names the token endpoint. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Needed by some issuers, e.g. Entra ID's `api://ddp-api/.default`; Keycloak needs none. */
  scope?: string;
}

/** A token is renewed this long before it expires, so one in flight does not expire on the way. */
const RENEW_BEFORE_EXPIRY_MS = 30_000;
const REQUEST_TIMEOUT_MS = 5000;

/**
 * Access tokens for this service's own client, fetched from the issuer's token endpoint,
 * cached until shortly before they expire; callers at the same moment share one request.
 * Replaces the shared static token between services once AUTH_MODE=on.
 */
export class ClientCredentialsTokens {
  private cached: { token: string; renewAt: number } | null = null;
  private pending: Promise<string> | null = null;
  private tokenEndpoint: string | null = null;

  constructor(
    private readonly options: ClientCredentialsOptions,
    private readonly now: () => number = Date.now,
  ) {}

  async authorizationHeader(): Promise<string> {
    return `Bearer ${await this.token()}`;
  }

  token(): Promise<string> {
    if (this.cached && this.now() < this.cached.renewAt) return Promise.resolve(this.cached.token);
    this.pending ??= this.fetchToken().finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  private async fetchToken(): Promise<string> {
    const endpoint = await this.endpoint();
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: this.options.clientId, client_secret: this.options.clientSecret });
    if (this.options.scope) form.set('scope', this.options.scope);
    const requestedAt = this.now();
    const response = await fetch(endpoint, { method: 'POST', body: form, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const body = (await response.json().catch(() => ({}))) as { access_token?: string; expires_in?: number; error?: string };
    if (!response.ok || typeof body.access_token !== 'string') {
      // The issuer's error code only: never the secret or the form.
      throw new Error(`the issuer refused client ${this.options.clientId} a token (HTTP ${response.status}${body.error ? `, ${body.error}` : ''})`);
    }
    const lifetimeMs = (typeof body.expires_in === 'number' ? body.expires_in : 60) * 1000;
    this.cached = { token: body.access_token, renewAt: requestedAt + Math.max(lifetimeMs - RENEW_BEFORE_EXPIRY_MS, lifetimeMs / 2) };
    return body.access_token;
  }

  private async endpoint(): Promise<string> {
    if (this.tokenEndpoint) return this.tokenEndpoint;
    const url = `${this.options.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    const response = await fetch(url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS), headers: { accept: 'application/json' } });
    const document = (await response.json().catch(() => ({}))) as { token_endpoint?: unknown };
    if (!response.ok || typeof document.token_endpoint !== 'string') throw new Error(`the discovery document ${url} names no token endpoint (HTTP ${response.status})`);
    this.tokenEndpoint = document.token_endpoint;
    return this.tokenEndpoint;
  }
}
