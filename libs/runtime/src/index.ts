export { CoreModule, SERVICE_CONFIG } from './core.module';
