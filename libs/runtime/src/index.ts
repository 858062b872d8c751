export { CONSUMING, CoreModule, type ExtraHealth } from './core.module';
export { SERVICE_CONFIG, SERVICE_NAME } from './tokens';
export { AccessLogCapture } from './access-log-capture';
export { isSecretSetting } from './settings/settings-snapshot';
