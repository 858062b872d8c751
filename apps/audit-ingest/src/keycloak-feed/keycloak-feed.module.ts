import { Module } from '@nestjs/common';
import { KeycloakEventFeed } from './keycloak-event-feed';

/** The Keycloak event feed; imported by the app and by its health module. */
@Module({ providers: [KeycloakEventFeed], exports: [KeycloakEventFeed] })
export class KeycloakFeedModule {}
