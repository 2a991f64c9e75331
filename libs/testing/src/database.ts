import { Client } from 'pg';
import { databaseUrlFromParts } from '@ddp/platform';

// The server's maintenance database, with the DATABASE_* settings the services use (password authentication).
const ADMIN_URL = process.env.TEST_POSTGRES_ADMIN_URL ?? databaseUrlFromParts('postgres://postgres@127.0.0.1:5432/postgres', { ...process.env, DATABASE_NAME_PREFIX: undefined });

/**
 * A database URL of its own for one test suite (dropped and recreated by resetDatabase),
 * on the shared server or on another one (`adminUrl`, e.g. the fault suite's own server).
 */
export function testDatabaseUrl(name: string, adminUrl: string = ADMIN_URL): string {
  const safe = name.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const url = new URL(adminUrl);
  url.pathname = `/ddp_test_${safe}`;
  return url.toString();
}

/** Drops the database (disconnecting whoever holds it) so the next start migrates from scratch. */
export async function resetDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  // Connect to the maintenance database of the same server (the target's may not exist).
  const admin = new URL(url);
  admin.pathname = `/${new URL(ADMIN_URL).pathname.slice(1) || 'postgres'}`;
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** Runs one query against a database (for assertions on stored state). */
export async function queryDatabase<T = Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}
