import { Controller, Get } from '@nestjs/common';
import { readBuildInfo, type BuildInfo } from '../build-info';

/** What is running: package version, git commit and branch (read once, at start). Every service has it. */
@Controller('version')
export class VersionController {
  private readonly info: BuildInfo = readBuildInfo();

  @Get()
  version(): BuildInfo {
    return this.info;
  }
}
