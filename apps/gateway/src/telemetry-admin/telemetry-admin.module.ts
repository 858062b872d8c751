import { Module } from '@nestjs/common';
import { TelemetryTransmissionsController } from './telemetry-transmissions.controller';
import { TelemetryTransmissionsService } from './telemetry-transmissions.service';

/** /api/v1/admin/telemetry/transmissions: the telemetry relay's transmission log, for platform admins. */
@Module({ controllers: [TelemetryTransmissionsController], providers: [TelemetryTransmissionsService] })
export class TelemetryAdminModule {}
