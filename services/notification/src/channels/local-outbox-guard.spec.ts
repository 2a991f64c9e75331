import path from 'node:path';
import { ConfigError } from '@ddp/platform';
import { loadNotificationConfig } from '../notification.config';
import { LOCAL_OUTBOX_NOTIFY_KEY_NAME, LOCAL_OUTBOX_NOTIFY_PORT, LOCAL_OUTBOX_SMTP_PORT } from './local-outbox-guard';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the local run's addresses live in a plain-JS tool (start.sh reads them before any build)
const localRun = require(path.resolve(__dirname, '../../../../tools/local-run.js')) as {
  LOCAL_OUTBOX: { smtpPort: number; notifyPort: number; notifyApiKey: { name: string } };
  localOutboxEnv(env: Record<string, string | undefined>): Record<string, string>;
};

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadNotificationConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
};

describe('the local outbox is refused in production', () => {
  const localRunEnv = localRun.localOutboxEnv({});

  it('knows the addresses npm start gives the local outbox', () => {
    expect(localRun.LOCAL_OUTBOX.smtpPort).toBe(LOCAL_OUTBOX_SMTP_PORT);
    expect(localRun.LOCAL_OUTBOX.notifyPort).toBe(LOCAL_OUTBOX_NOTIFY_PORT);
    expect(localRun.LOCAL_OUTBOX.notifyApiKey.name).toBe(LOCAL_OUTBOX_NOTIFY_KEY_NAME);
  });

  it('starts with the local run settings outside production', () => {
    expect(problemsOf(localRunEnv)).toEqual([]);
    expect(problemsOf({ ...localRunEnv, NODE_ENV: 'development' })).toEqual([]);
  });

  it('refuses each local outbox address under NODE_ENV=production, naming the variable', () => {
    const problems = problemsOf({ ...localRunEnv, NODE_ENV: 'production' });
    expect(problems.map((p) => p.split(' ')[0])).toEqual(['SMTP_URL', 'NOTIFY_BASE_URL', 'NOTIFY_API_KEY']);
    expect(problems.join('\n')).not.toContain(localRunEnv.NOTIFY_API_KEY);
  });

  it('refuses the default SMTP_URL in production, and the docker-compose outbox host', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual([expect.stringMatching(/^SMTP_URL .*set your mail relay$/)]);
    expect(problemsOf({ NODE_ENV: 'production', SMTP_URL: 'smtp://outbox:1025' })).toHaveLength(1);
  });

  it('accepts a real relay and GOV.UK Notify in production', () => {
    const key = `live-${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}-${'1'.repeat(8)}-1111-4111-8111-${'1'.repeat(12)}`;
    expect(problemsOf({ NODE_ENV: 'production', SMTP_URL: 'smtp://relay.internal:587', NOTIFY_API_KEY: key, NOTIFY_SMS_TEMPLATE_ID: 't' })).toEqual([]);
    // A relay on loopback (a sidecar MTA) is not the outbox.
    expect(problemsOf({ NODE_ENV: 'production', SMTP_URL: 'smtp://127.0.0.1:25' })).toEqual([]);
  });
});
