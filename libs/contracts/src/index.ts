// class-transformer's @Type reads decorator metadata: load the polyfill with the contracts.
import 'reflect-metadata';
export * from './topics';
export * from './envelope';
export * from './validation';
export * from './json-safety';
export * from './common';
export * from './encounter';
export * from './events';
export * from './registry';
