import { spawn } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT, SERVICE_NAMES, freePort, queryDatabase, resetDatabase, testDatabaseUrl } from '@ddp/testing';

// MIGRATE_ON_START=only, as the Kubernetes migration Jobs run each service (infra/kubernetes):
// the database is created and migrated, nothing else starts, and the process exits 0.
function migrateOnly(service: string, databaseUrl: string, port: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'dist/services', service, 'src/main.js')], {
      env: { ...process.env, MIGRATE_ON_START: 'only', DATABASE_URL: databaseUrl, PORT: String(port), KAFKAJS_NO_PARTITIONER_WARNING: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c));
    child.stderr.on('data', (c: Buffer) => (output += c));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

describe('MIGRATE_ON_START=only', () => {
  it.each(SERVICE_NAMES)('creates and migrates the %s database, starts nothing and exits 0', async (service) => {
    const url = testDatabaseUrl(`migrate_only_${service}`);
    await resetDatabase(url);
    const port = await freePort();
    const first = await migrateOnly(service, url, port);
    expect(first).toMatchObject({ code: 0, output: expect.stringContaining('migrations applied (MIGRATE_ON_START=only): exiting') });
    expect(first.output).not.toContain('listening');
    const [{ count }] = await queryDatabase<{ count: string }>(url, 'SELECT count(*) FROM migrations');
    expect(Number(count)).toBeGreaterThan(1);
    // Again: nothing to apply, still exits 0.
    const second = await migrateOnly(service, url, port);
    expect(second.code).toBe(0);
    expect(second.output).toContain('"migrations":[]');
    await resetDatabase(url);
  }, 60_000);
});
