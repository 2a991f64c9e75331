import { Client } from 'pg';

const ADMIN_URL = process.env.TEST_POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A database URL of its own for one test suite (dropped and recreated by resetDatabase). */
export function testDatabaseUrl(name: string): string {
  const safe = name.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const url = new URL(ADMIN_URL);
  url.pathname = `/ddp_test_${safe}`;
  return url.toString();
}

/** Drops the database (disconnecting whoever holds it) so the next start migrates from scratch. */
export async function resetDatabase(url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const client = new Client({ connectionString: ADMIN_URL });
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
