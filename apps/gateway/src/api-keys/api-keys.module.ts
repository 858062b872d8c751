import { Module } from '@nestjs/common';
import { ApiKeysController } from './api-keys.controller';

/** Admin endpoints for API keys (the store itself is in @meshtrail/auth). */
@Module({ controllers: [ApiKeysController] })
export class ApiKeysModule {}
