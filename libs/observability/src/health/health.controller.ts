import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { httpStatusFor } from './actuator-health';
import { HealthService } from './health.service';

/** Spring Boot Actuator-shaped probes: the full picture, and the two Kubernetes probe groups. */
@Controller('actuator/health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get()
  async all(@Res() res: Response): Promise<void> {
    const result = await this.health.health();
    res.status(httpStatusFor(result.status)).json(result);
  }

  @Get('liveness')
  liveness(@Res() res: Response): void {
    const result = this.health.liveness();
    res.status(httpStatusFor(result.status)).json(result);
  }

  @Get('readiness')
  async readiness(@Res() res: Response): Promise<void> {
    const result = await this.health.readiness();
    res.status(httpStatusFor(result.status)).json(result);
  }
}
