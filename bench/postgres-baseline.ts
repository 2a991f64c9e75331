import { randomUUID } from 'node:crypto';
import { Client, Pool } from 'pg';

/**
 * The ceiling Postgres puts on this machine: the commit rate of a transaction of the
 * same shape as one pipeline step (inbox row, one state row, one outbox row, commit),
 * from `clients` concurrent connections for `seconds`. Pipeline rates are reported as a
 * ratio of this, since the machine's speed varies from run to run.
 */
export async function postgresStepCommitRate(adminUrl: string, options: { clients: number; seconds: number }): Promise<{ commitsPerSecond: number; clients: number; seconds: number }> {
  const dbName = `ddp_bench_baseline`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  const pool = new Pool({ connectionString: url.toString(), max: options.clients });
  await pool.query(`
    CREATE TABLE inbox_event (consumer text, event_id text, event_type text, processed_at timestamptz DEFAULT now(), PRIMARY KEY (consumer, event_id));
    CREATE TABLE state_row (id uuid PRIMARY KEY, status text, data jsonb, created_at timestamptz DEFAULT now());
    CREATE TABLE outbox_message (id bigserial PRIMARY KEY, event_id uuid UNIQUE, topic text, message_key text, event_type text, payload jsonb, headers jsonb, created_at timestamptz DEFAULT now(), published_at timestamptz);
  `);
  const payload = JSON.stringify({ eventType: 'ReferralCreated', data: { referralId: randomUUID(), area: 'reading', schemeId: 'x'.repeat(30) } });
  let commits = 0;
  const deadline = Date.now() + options.seconds * 1000;
  await Promise.all(
    Array.from({ length: options.clients }, async () => {
      const client = await pool.connect();
      try {
        while (Date.now() < deadline) {
          const id = randomUUID();
          await client.query('BEGIN');
          await client.query('INSERT INTO inbox_event (consumer, event_id, event_type) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING 1', ['bench', id, 'X']);
          await client.query('INSERT INTO state_row (id, status, data) VALUES ($1, $2, $3::jsonb)', [id, 'referred', payload]);
          await client.query('INSERT INTO outbox_message (event_id, topic, message_key, event_type, payload, headers) VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb)', [randomUUID(), 't', id, 'X', payload, '{}']);
          await client.query('COMMIT');
          commits++;
        }
      } finally {
        client.release();
      }
    }),
  );
  await pool.end();
  return { commitsPerSecond: Math.round(commits / options.seconds), clients: options.clients, seconds: options.seconds };
}
