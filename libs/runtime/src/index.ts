export { CoreModule, SERVICE_CONFIG, type ExtraHealth } from './core.module';
