import { startService, type RunningService, type ServiceDefinition } from '@ddp/platform';
import { randomUUID } from 'node:crypto';
import { resetDatabase, testDatabaseUrl } from './database';

/**
 * Environment for running a service in-process in a test: its own fresh database, a
 * free port, its own consumer groups (so suites never steal each other's messages),
 * quick retries, and quiet logs. Pass overrides for what the test is about.
 */
export function testServiceEnv(suite: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    PORT: '0',
    DATABASE_URL: testDatabaseUrl(suite),
    KAFKA_GROUP_SUFFIX: `-test-${randomUUID().slice(0, 8)}`,
    REDIS_PREFIX: `ddp-test-${suite.toLowerCase().replace(/[^a-z0-9]/g, '-')}`,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
    CONSUMER_RETRY_BASE_MS: '20',
    OUTBOX_POLL_MS: '50',
    KAFKA_NEW_GROUP_START: 'latest',
    // No notification service runs beside an in-process service: show-cause windows run from the review's opening
    // unless a suite about the notice asks for 'required' (the production default).
    SHOW_CAUSE_NOTICE_CONFIRMATION: 'off',
    ...overrides,
  };
}

/** Starts a service in-process on a freshly dropped database. Stop it with `running.stop()`. */
export async function startTestService(definition: ServiceDefinition, options: { fresh?: boolean } = {}): Promise<RunningService> {
  if (options.fresh !== false) await resetDatabase(definition.config.DATABASE_URL);
  return startService(definition);
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? safeJson(text) : null };
}

export async function getJson(url: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url);
  const text = await res.text();
  return { status: res.status, body: text ? safeJson(text) : null };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
