import { Controller, Get, NotFoundException, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { currentTelemetry } from './telemetry';

/** The service's own metrics in Prometheus text format, for local scraping. */
@Controller('metrics')
export class MetricsController {
  @Get()
  metrics(@Req() req: Request, @Res() res: Response): void {
    const telemetry = currentTelemetry();
    if (!telemetry) throw new NotFoundException('telemetry is not started in this process');
    telemetry.prometheus.getMetricsRequestHandler(req, res);
  }
}
