export { ConfigError, loadConfig, loadConfigOrExit, maskConfigValue, type ConfigProblem } from './load-config';
export { EnvBoolean, EnvInt, EnvList } from './env-transforms';
export {
  ServiceEnv,
  SERVICE_SETTINGS,
  LOG_LEVELS,
  LOG_FORMATS,
  type LogLevelName,
  type LogFormatName,
} from './service.env';
export { IsAddressRangeList, parseAddressRange, type AddressRange } from './address-range';
export { IsReadableFile } from './readable-file';
export { envVariables, type EnvVariable } from './env-variables';
