export * from './database';
export * from './wait';
export * from './kafka';
export * from './builders';
export * from './services';
export * from './publish-event';
export * from './stack';
export * from './diversion-events';
export { ControllableClock } from '@ddp/platform';
