export * from './roles';
export * from './auth.config';
export * from './token-verifier';
export * from './auth.decorators';
export * from './auth.guard';
export * from './auth.module';
export * from './route-policies';
export * from './client-credentials';
