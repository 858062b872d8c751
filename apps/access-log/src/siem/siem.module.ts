import { Module } from '@nestjs/common';
import { SiemForwarding } from './siem-forwarding';

/** Real-time forwarding of access logs (and audit events, where configured) to SIEM destinations. */
@Module({ providers: [SiemForwarding], exports: [SiemForwarding] })
export class SiemModule {}
