export * from './define';
export * from './referral.events';
export * from './scheduling.events';
export * from './outcome.events';
export * from './notification.events';
