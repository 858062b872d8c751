import { Module } from '@nestjs/common';
import { DeadLettersController } from './dead-letters.controller';
import { DeadLettersService } from './dead-letters.service';

/** /api/v1/dead-letters: list, inspect and replay dead letters, for platform admins. */
@Module({
  controllers: [DeadLettersController],
  providers: [DeadLettersService],
})
export class DeadLettersAdminModule {}
