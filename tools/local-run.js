#!/usr/bin/env node
// The local run's own addresses, in one place: where `npm start` runs the local outbox
// (tools/local-outbox.js: SMTP, a GOV.UK Notify stand-in, a signed-webhook receiver and the
// page of what was sent) and the settings that point the notification service at it.
// Production never points there: the notification service refuses these addresses when
// NODE_ENV=production (services/notification/src/channels/local-outbox-guard.ts).
//   node tools/local-run.js env   prints `export NAME=value` for each setting not already set
// `host` is where the services reach the outbox: 127.0.0.1 here, `outbox` in docker-compose.yml.

const LOCAL_OUTBOX = {
  // 1025 is the notification service's default SMTP_URL port.
  smtpPort: 1025,
  pagePort: 3010,
  notifyPort: 3011,
  webhookPort: 3012,
  // A Notify-shaped key (<name>-<service id>-<secret>) that only the stand-in accepts.
  notifyApiKey: { name: 'local_outbox', serviceId: '10ca1000-0000-4000-8000-000000000001', secret: '10ca1000-0000-4000-8000-000000000002' },
  webhookSecret: 'local-outbox-webhook-secret',
  // The bearer token the Notify stand-in puts on its delivery receipts: a show-cause window
  // counts from a confirmed delivery, so a local run needs receipts as production has them.
  notifyCallbackToken: 'local-outbox-notify-callback-token',
};

/** What the services need to send through the local outbox; `env` wins where it sets a name. */
function localOutboxEnv(env = process.env, host = '127.0.0.1') {
  const { name, serviceId, secret } = LOCAL_OUTBOX.notifyApiKey;
  const settings = {
    SMTP_URL: `smtp://${host}:${LOCAL_OUTBOX.smtpPort}`,
    NOTIFY_BASE_URL: `http://${host}:${LOCAL_OUTBOX.notifyPort}`,
    NOTIFY_API_KEY: `${name}-${serviceId}-${secret}`,
    // The stand-in takes any template id; ours carry the text in ((body)) and ((subject)).
    NOTIFY_SMS_TEMPLATE_ID: 'local-outbox-sms',
    NOTIFY_EMAIL_TEMPLATE_ID: 'local-outbox-email',
    NOTIFY_CALLBACK_TOKEN: LOCAL_OUTBOX.notifyCallbackToken,
  };
  return Object.fromEntries(Object.entries(settings).filter(([key]) => !env[key]));
}

/** The provider endpoint the local outbox configures: every provider's webhooks to its receiver. */
function localProviderEndpoint(host = '127.0.0.1') {
  return {
    role: 'provider',
    match: 'default',
    channel: 'webhook',
    address: `http://${host}:${LOCAL_OUTBOX.webhookPort}/hooks`,
    secret: LOCAL_OUTBOX.webhookSecret,
    recordedBy: 'local-outbox',
  };
}

module.exports = { LOCAL_OUTBOX, localOutboxEnv, localProviderEndpoint };

if (require.main === module && process.argv[2] === 'env') {
  for (const [key, value] of Object.entries(localOutboxEnv())) console.log(`export ${key}='${value}'`);
}
