// Loopback servers speaking real protocols, for the notification service's tests:
// SMTP, the GOV.UK Notify API, signed-webhook receivers and the referral contact API.
export * from './local-http';
export * from './local-smtp-server';
export * from './local-notify-api';
export * from './local-webhook-receiver';
export * from './local-contact-api';
