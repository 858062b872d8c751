import { Controller, Get, Header, Inject, NotFoundException, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AppLogger } from '@meshtrail/observability';
import { DEFAULT_UI_DIRECTORY, loadUiAssets, type UiAsset } from './ui-assets';
import { UI_OPTIONS, UiConfigService, type UiClientConfig, type UiOptions } from './ui-config.service';
import { cacheControlFor, contentSecurityPolicy, UI_SECURITY_HEADERS } from './ui-headers';

/** The Event Logs page under /ui/: its built files, and its configuration at /ui/config.json. */
@ApiExcludeController()
@Controller('ui')
export class UiController {
  private readonly assets: Map<string, UiAsset>;

  constructor(
    private readonly config: UiConfigService,
    @Inject(UI_OPTIONS) options: UiOptions,
  ) {
    const directory = options.directory ?? DEFAULT_UI_DIRECTORY;
    this.assets = loadUiAssets(directory);
    if (this.assets.size === 0) new AppLogger('EventLogsPage').warn('Event Logs Page Missing', { directory });
  }

  /** `/ui/` is the page; `/ui` (no slash) redirects there, so relative asset paths resolve. */
  @Get()
  async root(@Req() request: Request, @Res() response: Response): Promise<void> {
    if (request.path.endsWith('/')) return this.send('index.html', request, response);
    const query = request.originalUrl.indexOf('?');
    response.redirect(301, `/ui/${query >= 0 ? request.originalUrl.slice(query) : ''}`);
  }

  @Get('config.json')
  @Header('cache-control', 'no-store')
  configuration(@Res({ passthrough: true }) response: Response): Promise<UiClientConfig> {
    response.set(UI_SECURITY_HEADERS);
    return this.config.clientConfig();
  }

  /**
   * A built file, or the page itself for any address of its areas (`/ui/admin/access-logs`): the
   * page reads its route from the address, so a bookmarked or reloaded view opens where it was.
   * Addresses that look like files (a dot in the last segment) are never answered with the page.
   */
  @Get('*path')
  file(@Param('path') segments: string[] | string, @Req() request: Request, @Res() response: Response): Promise<void> {
    const name = Array.isArray(segments) ? segments.join('/') : segments;
    const isRoute = !this.assets.has(name) && !name.startsWith('assets/') && !/\.[^/]*$/.test(name);
    return this.send(isRoute ? 'index.html' : name, request, response);
  }

  private async send(name: string, request: Request, response: Response): Promise<void> {
    const asset = this.assets.get(name);
    if (!asset) throw new NotFoundException(`no such file of the Event Logs page: ${name}`);
    response.set(UI_SECURITY_HEADERS);
    if (asset.contentType.startsWith('text/html')) {
      // the CSP names the token endpoint, which the issuer's discovery document gives
      await this.config.clientConfig().catch(() => undefined);
      response.set('content-security-policy', contentSecurityPolicy(this.config.tokenEndpoint));
    }
    response.set({ 'content-type': asset.contentType, 'cache-control': cacheControlFor(asset), etag: asset.etag });
    if (request.headers['if-none-match'] === asset.etag) {
      response.status(304).end();
      return;
    }
    response.status(200).send(asset.body);
  }
}
