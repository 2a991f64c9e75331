#!/usr/bin/env node
// The local outbox `npm start` runs beside the services (tools/start.sh): the e-mail, SMS
// and webhooks the notification service sends land here instead of in real inboxes, and
// http://127.0.0.1:3010/ (or `npm run sent`) lists them. Once the notification service is
// ready it points providers' notices at the webhook receiver, unless a provider endpoint is
// already configured. Uses the built library (tools/build.js first). Ctrl-C / SIGTERM stops it.
// In docker-compose.yml (service `outbox`): LOCAL_OUTBOX_BIND=0.0.0.0, LOCAL_OUTBOX_HOST=outbox
// (how the services reach it) and NOTIFICATION_URL=http://notification:3004.
const path = require('path');
const { LOCAL_OUTBOX, localProviderEndpoint } = require('./local-run');
const { startLocalOutbox } = require(path.resolve(__dirname, '../dist/libs/local-outbox/src'));

const log = (line) => console.log(`\x1b[34m${'local-outbox'.padEnd(20)}\x1b[0m ${line}`);
const notificationUrl = process.env.NOTIFICATION_URL || `http://127.0.0.1:${process.env.NOTIFICATION_PORT || 3004}`;
const endpoint = localProviderEndpoint(process.env.LOCAL_OUTBOX_HOST || '127.0.0.1');
const internalToken = process.env.INTERNAL_API_TOKEN || 'dev-internal-token';

async function configureProviderEndpoint() {
  const headers = { 'content-type': 'application/json', 'x-internal-token': internalToken };
  for (;;) {
    try {
      if ((await fetch(`${notificationUrl}/health/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  const { endpoints } = await (await fetch(`${notificationUrl}/v1/recipient-endpoints`, { headers })).json();
  if (endpoints.some((e) => e.role === 'provider')) return log('providers already have endpoints configured: left as they are');
  const res = await fetch(`${notificationUrl}/v1/recipient-endpoints`, { method: 'PUT', headers, body: JSON.stringify(endpoint) });
  if (!res.ok) throw new Error(`configuring the provider endpoint answered ${res.status}: ${await res.text()}`);
  log(`providers' notices go to the webhook receiver (${endpoint.address}, signed with the outbox's secret)`);
}

// Receipts for every accepted SMS/e-mail, as GOV.UK Notify sends them to the callback.
const notifyCallback = { url: `${notificationUrl}/v1/notify/delivery-receipts`, token: process.env.NOTIFY_CALLBACK_TOKEN || LOCAL_OUTBOX.notifyCallbackToken };

startLocalOutbox({ ...LOCAL_OUTBOX, notifyCallback, host: process.env.LOCAL_OUTBOX_BIND || '127.0.0.1' }).then(
  (outbox) => {
    log(`e-mail ${outbox.smtpUrl}, GOV.UK Notify stand-in ${outbox.notifyUrl}, webhooks ${outbox.webhookUrl}`);
    log(`what was sent to whom: ${outbox.pageUrl} (or npm run sent)`);
    const stop = () => outbox.stop().then(() => process.exit(0));
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    configureProviderEndpoint().catch((error) => log(`could not configure the provider endpoint: ${error.message}`));
  },
  (error) => {
    console.error(`local-outbox: could not start (${error.message}); is another npm start running? (tools/preflight.js checks the ports)`);
    process.exit(1);
  },
);
