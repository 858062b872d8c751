import { type DynamicModule, Module } from '@nestjs/common';
import { UiConfigService, UI_OPTIONS, type UiOptions } from './ui-config.service';
import { UiController } from './ui.controller';

/** The Event Logs page: static files under /ui/ and the sign-in configuration it reads. */
@Module({})
export class UiModule {
  static register(options: UiOptions): DynamicModule {
    return {
      module: UiModule,
      controllers: [UiController],
      providers: [{ provide: UI_OPTIONS, useValue: options }, UiConfigService],
    };
  }
}
