import { type DynamicModule, Module } from '@nestjs/common';
import { DatabaseConnection } from '@meshtrail/database';
import { ApiKeyStore } from './api-keys/api-key.store';
import { AuthGuard } from './auth.guard';
import { AUTH_OPTIONS, type AuthModuleOptions } from './auth.options';
import { Authenticator } from './authenticator';
import { MembershipReader } from './memberships/membership.reader';
import { OidcKeySource } from './oidc/oidc-key-source';
import { TokenVerifier } from './oidc/token-verifier';

/**
 * Authentication for the gateway's APIs: OIDC bearer tokens, API keys, and the guard that checks
 * them. Its lookups run on the reserved connections, so busy queries never stall sign-in.
 */
@Module({})
export class AuthModule {
  static register(options: AuthModuleOptions): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      providers: [
        { provide: AUTH_OPTIONS, useValue: options },
        {
          provide: ApiKeyStore,
          inject: [DatabaseConnection],
          useFactory: (db: DatabaseConnection) => new ApiKeyStore(db.reserved()),
        },
        {
          provide: MembershipReader,
          inject: [DatabaseConnection],
          useFactory: (db: DatabaseConnection) => new MembershipReader(db.reserved()),
        },
        {
          provide: TokenVerifier,
          useFactory: () => (options.oidc ? new TokenVerifier(options.oidc, new OidcKeySource(options.oidc)) : null),
        },
        {
          provide: Authenticator,
          inject: [AUTH_OPTIONS, ApiKeyStore, MembershipReader, TokenVerifier],
          useFactory: (o: AuthModuleOptions, keys: ApiKeyStore, m: MembershipReader, t: TokenVerifier | null) =>
            new Authenticator(o, keys, m, t),
        },
        AuthGuard,
      ],
      exports: [AUTH_OPTIONS, ApiKeyStore, MembershipReader, Authenticator, AuthGuard],
    };
  }
}
