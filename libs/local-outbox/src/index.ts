// Stand-ins for the outbound channels the notification service talks to, on loopback:
// an SMTP server, GOV.UK Notify's API and a receiver of signed webhooks. Tests start them
// (through @ddp/testing); `npm start` runs them as the local outbox (tools/local-outbox.js),
// which lists what was sent to whom.
export * from './local-http';
export * from './local-smtp-server';
export * from './local-notify-api';
export * from './local-webhook-receiver';
export * from './sent-list';
export * from './local-outbox';
