import { Client } from 'pg';
import { DataSource, type DataSourceOptions, type MixedList, type EntitySchema } from 'typeorm';
import { CreatePlatformTables1763700000000 } from './platform-tables.migration';
import { PreparingClient } from './preparing-client';

type EntityList = MixedList<string | Function | EntitySchema>;

/** TypeORM options for a service database. Never `synchronize`: migrations are checked in. */
export function dataSourceOptions(url: string, entities: EntityList, migrations: Function[], extra: Partial<DataSourceOptions> = {}): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities,
    migrations: [CreatePlatformTables1763700000000, ...migrations],
    synchronize: false,
    migrationsRun: false,
    migrationsTransactionMode: 'each',
    // PreparingClient: repeated statements are prepared once per connection (preparing-client.ts).
    extra: { max: 10, connectionTimeoutMillis: 5000, Client: PreparingClient },
    ...extra,
  } as DataSourceOptions;
}

/** Creates the service database when it does not exist (the server runs with trust auth here). */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      try {
        await client.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
      } catch (error) {
        // Another process created it between the check and the create.
        if ((error as { code?: string }).code !== '42P04') throw error;
      }
    }
  } finally {
    await client.end();
  }
}

const MIGRATION_LOCK = 7_420_001;

/** Runs pending migrations under an advisory lock, so replicas starting together take turns. */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const done = await dataSource.runMigrations({ transaction: 'each' });
    return done.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
}

/**
 * Why the server's maintenance settings will hurt this service, or null when they will not.
 * With autovacuum off (or track_counts off, which it needs) nothing analyzes or vacuums the
 * tables: they never get statistics, so Postgres plans the batched lookups (`= ANY($1)`) as
 * sequential scans, and dead row versions pile up; both cost more as the tables grow
 * (measured on a server so set: ~49 million rows read by sequential scan in a 3-minute benchmark).
 */
export function maintenanceWarning(settings: { autovacuum: string; track_counts: string }): string | null {
  const off = [settings.autovacuum !== 'on' && 'autovacuum', settings.track_counts !== 'on' && 'track_counts'].filter(Boolean);
  if (!off.length) return null;
  return `PostgreSQL has ${off.join(' and ')} off: tables are never analyzed or vacuumed, so lookups turn into sequential scans and slow down as tables grow; turn it on, or run VACUUM ANALYZE on a schedule`;
}

/** Reads the server's settings and answers maintenanceWarning's verdict (logged at start). */
export async function checkServerMaintenance(dataSource: DataSource): Promise<string | null> {
  const [row]: Array<{ autovacuum: string; track_counts: string }> = await dataSource.query(
    "SELECT current_setting('autovacuum') AS autovacuum, current_setting('track_counts') AS track_counts",
  );
  return maintenanceWarning(row);
}
