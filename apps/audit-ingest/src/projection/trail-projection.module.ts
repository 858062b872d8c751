import { Module } from '@nestjs/common';
import { ObjectCountsGauge } from './object-counts.gauge';
import { TrailProjector } from './trail-projector';

/** The projector and the gauge it feeds; imported by the app and by its health module. */
@Module({
  providers: [TrailProjector, ObjectCountsGauge],
  exports: [TrailProjector, ObjectCountsGauge],
})
export class TrailProjectionModule {}
