// Loopback servers speaking real protocols, for the notification service's tests: SMTP,
// the GOV.UK Notify API and signed-webhook receivers (libs/local-outbox, which `npm start`
// runs too) and the referral contact API.
export * from '@ddp/local-outbox';
export * from './local-contact-api';
