import { Module } from '@nestjs/common';
import { TrailSealer } from './trail-sealer';

/** The sealer; imported by the app and by its health module. */
@Module({ providers: [TrailSealer], exports: [TrailSealer] })
export class TrailSealingModule {}
