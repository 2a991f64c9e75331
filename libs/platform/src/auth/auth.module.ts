import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { type AuthConfig } from './auth.config';
import { AUTH_CONFIG, AuthGuard } from './auth.guard';
import { TokenVerifier } from './token-verifier';

/**
 * Authentication and roles for every HTTP route of a service: import
 * `AuthModule.forRoot(loadAuthConfig())` once in the service's root module.
 */
@Module({})
export class AuthModule {
  static forRoot(config: AuthConfig): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      imports: [DiscoveryModule],
      providers: [
        { provide: AUTH_CONFIG, useValue: config },
        { provide: TokenVerifier, useFactory: () => new TokenVerifier(config) },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
      exports: [AUTH_CONFIG, TokenVerifier],
    };
  }
}
