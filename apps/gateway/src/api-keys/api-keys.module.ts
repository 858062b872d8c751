import { Module } from '@nestjs/common';
import { ApiKeyAuditRecorder } from './api-key-audit.recorder';
import { ApiKeysController } from './api-keys.controller';

/** Endpoints for API keys (the store itself is in @meshtrail/auth); every change is audited. */
@Module({ controllers: [ApiKeysController], providers: [ApiKeyAuditRecorder] })
export class ApiKeysModule {}
