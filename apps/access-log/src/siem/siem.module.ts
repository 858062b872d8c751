import { Module } from '@nestjs/common';
import { DeadLettersModule } from '@meshtrail/dead-letters';
import { SiemForwarding } from './siem-forwarding';

/** Real-time forwarding of access logs (and audit events, where configured) to SIEM destinations. */
@Module({ imports: [DeadLettersModule], providers: [SiemForwarding], exports: [SiemForwarding] })
export class SiemModule {}
