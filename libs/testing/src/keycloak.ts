import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * The local Keycloak (infra/keycloak) for tests: started by the project's own script, and
 * tokens from its realm's local-only clients and demo users (secrets and passwords are
 * published in infra/keycloak/realm/ddp-realm.json and the README).
 */
export const KEYCLOAK_URL = 'http://127.0.0.1:8180';
export const KEYCLOAK_ISSUER = `${KEYCLOAK_URL}/realms/ddp`;
export const DEMO_PASSWORD = 'local-demo-only';

/** Client-credential clients of the realm: the client id, the realm role of its service account, its provider. */
export const SYSTEM_CLIENTS = [
  { clientId: 'police-system', role: 'police-system', providerId: null },
  { clientId: 'provider-system-the-edge-west-berkshire', role: 'provider-system', providerId: 'the-edge-west-berkshire' },
  { clientId: 'provider-system-cranstoun-windsor-maidenhead', role: 'provider-system', providerId: 'cranstoun-windsor-maidenhead' },
  { clientId: 'courts-system', role: 'courts-system', providerId: null },
  { clientId: 'notification-service', role: 'contact-reader', providerId: null },
] as const;

/** Demo people of the realm (password DEMO_PASSWORD), one per person role; two caseworkers of different providers. */
export const DEMO_USERS = [
  { username: 'demo-officer', role: 'officer', providerId: null },
  { username: 'demo-caseworker-edge', role: 'provider-caseworker', providerId: 'the-edge-west-berkshire' },
  { username: 'demo-caseworker-cranstoun', role: 'provider-caseworker', providerId: 'cranstoun-windsor-maidenhead' },
  { username: 'demo-courts-clerk', role: 'courts-clerk', providerId: null },
  { username: 'demo-supervisor', role: 'supervisor', providerId: null },
  { username: 'demo-analyst', role: 'analyst', providerId: null },
  { username: 'demo-operator', role: 'operator', providerId: null },
  { username: 'demo-dpo', role: 'dpo', providerId: null },
] as const;

/** Starts Keycloak with infra/keycloak/keycloak.sh unless it already answers; returns the seconds it took. */
export function ensureKeycloak(): number {
  const started = Date.now();
  execFileSync('bash', [path.resolve(__dirname, '../../../infra/keycloak/keycloak.sh'), 'start'], { stdio: 'inherit' });
  return (Date.now() - started) / 1000;
}

async function tokenFrom(realmUrl: string, form: Record<string, string>): Promise<string> {
  const response = await fetch(`${realmUrl}/protocol/openid-connect/token`, { method: 'POST', body: new URLSearchParams(form) });
  const body = (await response.json()) as { access_token?: string; error?: string; error_description?: string };
  if (!body.access_token) throw new Error(`Keycloak refused the token request (${response.status} ${body.error}: ${body.error_description})`);
  return body.access_token;
}

/** An access token for a system client (client credentials grant). */
export const clientToken = (clientId: string, secret = `${clientId}-local-secret`) =>
  tokenFrom(KEYCLOAK_ISSUER, { grant_type: 'client_credentials', client_id: clientId, client_secret: secret });

/** An access token for a demo person (password grant through the local-only ddp-local-cli client). */
export const demoUserToken = (username: string, password = DEMO_PASSWORD) =>
  tokenFrom(KEYCLOAK_ISSUER, { grant_type: 'password', client_id: 'ddp-local-cli', username, password });

/** A token from the master realm: a real Keycloak token, from another issuer than the platform's. */
export const masterRealmAdminToken = () =>
  tokenFrom(`${KEYCLOAK_URL}/realms/master`, { grant_type: 'password', client_id: 'admin-cli', username: 'admin', password: 'admin' });
