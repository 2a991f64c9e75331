/**
 * Production never sends to the local outbox (the stand-ins `npm start` and docker-compose
 * run: tools/local-run.js, service `outbox`): mail would vanish into a developer's page.
 * With NODE_ENV=production the service refuses to start when a channel points there, the
 * default SMTP_URL included, so a deployment must name its own relay.
 */
const LOCAL_OUTBOX_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', 'outbox']);
export const LOCAL_OUTBOX_SMTP_PORT = 1025;
export const LOCAL_OUTBOX_NOTIFY_PORT = 3011;
export const LOCAL_OUTBOX_NOTIFY_KEY_NAME = 'local_outbox';

const pointsAt = (url: string, port: number) => {
  try {
    const parsed = new URL(url);
    return LOCAL_OUTBOX_HOSTS.has(parsed.hostname) && Number(parsed.port) === port;
  } catch {
    return false;
  }
};

export function localOutboxProblems(channels: { SMTP_URL: string; EMAIL_CHANNEL: string; NOTIFY_BASE_URL: string; NOTIFY_API_KEY?: string }, nodeEnv: string | undefined): string[] {
  if (nodeEnv !== 'production') return [];
  const problems: string[] = [];
  const fix = 'NODE_ENV=production must not send to the local outbox of npm start';
  if (channels.EMAIL_CHANNEL === 'smtp' && pointsAt(channels.SMTP_URL, LOCAL_OUTBOX_SMTP_PORT)) {
    problems.push(`SMTP_URL (got ${JSON.stringify(channels.SMTP_URL.replace(/\/\/[^@/]*@/, '//…@'))}): ${fix}; set your mail relay`);
  }
  if (channels.NOTIFY_API_KEY && pointsAt(channels.NOTIFY_BASE_URL, LOCAL_OUTBOX_NOTIFY_PORT)) {
    problems.push(`NOTIFY_BASE_URL (got ${JSON.stringify(channels.NOTIFY_BASE_URL)}): ${fix}; leave it unset for GOV.UK Notify`);
  }
  if (channels.NOTIFY_API_KEY?.startsWith(`${LOCAL_OUTBOX_NOTIFY_KEY_NAME}-`)) {
    problems.push(`NOTIFY_API_KEY (the local outbox's key): ${fix}; set your GOV.UK Notify key`);
  }
  return problems;
}
