import { type DynamicModule, Module } from '@nestjs/common';
import { HEAVY_READ_LIMITS, ReadSlots, type HeavyReadLimits } from './read-slots';

/** How long reads may run: each query of a page, and an export as a whole. */
export interface ReadDurations {
  queryTimeoutMs: number;
  exportTimeoutMs: number;
}

export const READ_DURATIONS = Symbol('READ_DURATIONS');

/** The gateway's bounds on heavy reads (exports, text searches): how many at once, and for how long. */
@Module({})
export class ReadLimitsModule {
  static register(limits: HeavyReadLimits, durations: ReadDurations): DynamicModule {
    return {
      module: ReadLimitsModule,
      global: true,
      providers: [
        { provide: HEAVY_READ_LIMITS, useValue: limits },
        { provide: READ_DURATIONS, useValue: durations },
        { provide: ReadSlots, useFactory: () => new ReadSlots(limits) },
      ],
      exports: [ReadSlots, READ_DURATIONS],
    };
  }
}
