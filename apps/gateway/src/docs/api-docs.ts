import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { readBuildInfo } from '@meshtrail/observability';

export const API_DOCS_PATH = 'api/docs';

/** The OpenAPI document, generated from the controllers and DTOs, and Swagger UI at /api/docs (JSON at /api/docs-json). */
export function setupApiDocs(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('meshtrail')
    .setDescription(
      'Audit event log: who did what, when. Authenticate with an OIDC bearer token, or an API key ' +
        '(`Authorization: Bearer mtk_...` or `X-API-Key: mtk_...`). Admins read every workspace; ' +
        'workspace owners and managers their own workspaces. Every read is itself audited. ' +
        '`GET /api/v1/events/feed` follows the trail in commit order, gap-free, for systems that keep up with it.',
    )
    .setVersion(readBuildInfo().package)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT or mtk_ API key' })
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'apiKey')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  SwaggerModule.setup(API_DOCS_PATH, app, document, { jsonDocumentUrl: 'api/docs-json' });
}
