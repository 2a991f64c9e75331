export * from './topics';
export * from './envelope';
export * from './validation';
export * from './common';
export * from './encounter';
export * from './events';
export * from './registry';
