import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEMO_USERS, SYSTEM_CLIENTS } from '@ddp/testing';
import { PROVIDER_ROLES, ROLES } from './roles';

interface RealmUser { username: string; serviceAccountClientId?: string; realmRoles?: string[]; attributes?: Record<string, string[]> }
interface RealmClient { clientId: string; serviceAccountsEnabled?: boolean; directAccessGrantsEnabled?: boolean; publicClient?: boolean; attributes?: Record<string, string>; protocolMappers?: { protocolMapper: string; config: Record<string, string> }[] }

/** The realm file Keycloak imports (infra/keycloak/realm) against the roles the guard knows. */
const realm = JSON.parse(readFileSync(path.resolve(__dirname, '../../../../infra/keycloak/realm/ddp-realm.json'), 'utf8')) as {
  roles: { realm: { name: string }[] };
  clients: RealmClient[];
  users: RealmUser[];
};

describe('the ddp realm (infra/keycloak/realm/ddp-realm.json)', () => {
  it('defines exactly the roles of libs/platform/src/auth/roles.ts', () => {
    expect(realm.roles.realm.map((role) => role.name).sort()).toEqual([...ROLES].sort());
  });

  it('gives every role a holder: a demo person or a system client', () => {
    const held = new Set(realm.users.flatMap((user) => user.realmRoles ?? []));
    expect(ROLES.filter((role) => !held.has(role))).toEqual([]);
  });

  it('puts the audience, provider_id and area into the tokens of every client', () => {
    for (const client of realm.clients) {
      const mappers = client.protocolMappers ?? [];
      expect({ client: client.clientId, audience: mappers.find((m) => m.protocolMapper === 'oidc-audience-mapper')?.config['included.custom.audience'] }).toEqual({ client: client.clientId, audience: '${DDP_AUTH_AUDIENCE:ddp-api}' });
      const attributes = mappers.filter((m) => m.protocolMapper === 'oidc-usermodel-attribute-mapper' && m.config['access.token.claim'] === 'true').map((m) => m.config['claim.name']);
      expect({ client: client.clientId, attributes: attributes.sort() }).toEqual({ client: client.clientId, attributes: ['area', 'provider_id'] });
    }
  });

  it('holds the system clients and demo users the tests use, provider roles with their provider id', () => {
    for (const { clientId, role, providerId } of SYSTEM_CLIENTS) {
      expect(realm.clients.find((client) => client.clientId === clientId)).toMatchObject({ serviceAccountsEnabled: true, directAccessGrantsEnabled: false });
      expect(realm.users.find((user) => user.serviceAccountClientId === clientId)).toMatchObject({ realmRoles: [role], ...(providerId ? { attributes: { provider_id: [providerId] } } : {}) });
    }
    for (const { username, role, providerId } of DEMO_USERS) {
      expect(realm.users.find((user) => user.username === username)).toMatchObject({ realmRoles: [role], ...(providerId ? { attributes: { provider_id: [providerId] } } : {}) });
    }
    const providerHolders = realm.users.filter((user) => user.realmRoles?.some((role) => PROVIDER_ROLES.includes(role as (typeof PROVIDER_ROLES)[number])));
    expect(providerHolders.filter((user) => !user.attributes?.provider_id?.[0])).toEqual([]);
  });

  it('lets only the local command-line client use the password grant, and the web app use PKCE S256', () => {
    expect(realm.clients.filter((client) => client.directAccessGrantsEnabled).map((client) => client.clientId)).toEqual(['ddp-local-cli']);
    expect(realm.clients.find((client) => client.clientId === 'ddp-web')).toMatchObject({ publicClient: false, attributes: { 'pkce.code.challenge.method': 'S256' } });
  });
});
