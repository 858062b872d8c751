import { Controller, Get } from '@nestjs/common';
import { buildCatalogue, type MetricCatalogue } from './metric-catalogue';

/** GET /telemetry/catalogue: every metric that can leave this installation, and every one that stays home. */
@Controller('telemetry')
export class CatalogueController {
  private readonly catalogue = buildCatalogue();

  @Get('catalogue')
  catalogueOfMetrics(): MetricCatalogue {
    return this.catalogue;
  }
}
