import { IsInt, Min } from 'class-validator';
import { ConfigError, EnvInt, loadConfig, maskConfigValue, ServiceEnv } from './index';

class ExampleEnv extends ServiceEnv {
  @EnvInt()
  @IsInt({ message: 'must be an integer' })
  @Min(1, { message: 'must be at least 1' })
  BATCH_SIZE = 500;
}

function problemsOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig('example', ExampleEnv, env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('loadConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    const config = loadConfig('example', ExampleEnv, {});
    expect(config).toMatchObject({
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
      PORT: 8080,
      KAFKA_BROKERS: ['127.0.0.1:9092'],
      KAFKA_SSL: false,
      KAFKA_TOPIC_PREFIX: '',
      BATCH_SIZE: 500,
    });
  });

  it('converts integers, booleans and lists from their string form', () => {
    const config = loadConfig('example', ExampleEnv, {
      PORT: '9000',
      KAFKA_SSL: 'true',
      KAFKA_BROKERS: 'a:9092, b:9093',
      BATCH_SIZE: '42',
    });
    expect(config.PORT).toBe(9000);
    expect(config.KAFKA_SSL).toBe(true);
    expect(config.KAFKA_BROKERS).toEqual(['a:9092', 'b:9093']);
    expect(config.BATCH_SIZE).toBe(42);
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig('example', ExampleEnv, { LOG_LEVEL: '' }).LOG_LEVEL).toBe('info');
  });

  it('lists every bad variable at once, with what was wrong and what was given', () => {
    const error = problemsOf({
      LOG_LEVEL: 'loud',
      PORT: 'http',
      KAFKA_BROKERS: 'nohost',
      BATCH_SIZE: '0',
      KAFKA_SSL: 'maybe',
    });
    const byVariable = Object.fromEntries(error.problems.map((p) => [p.variable, p]));
    expect(Object.keys(byVariable).sort()).toEqual(['BATCH_SIZE', 'KAFKA_BROKERS', 'KAFKA_SSL', 'LOG_LEVEL', 'PORT']);
    expect(byVariable.LOG_LEVEL.problems.join()).toContain('must be one of trace, debug, info, warn, error, fatal');
    expect(byVariable.PORT.problems.join()).toContain('integer port number');
    expect(byVariable.KAFKA_BROKERS.problems.join()).toContain('host:port');
    expect(byVariable.BATCH_SIZE.problems.join()).toContain('at least 1');
    expect(byVariable.KAFKA_SSL.problems.join()).toContain('true or false');
    expect(error.message).toContain('example: invalid configuration (5 problems)');
    expect(error.message).toContain('LOG_LEVEL: must be one of');
    expect(error.message).toContain('(given: "loud")');
  });

  it('never repeats a secret in its error message', () => {
    const error = problemsOf({
      DATABASE_URL: 'mysql://app:hunter2@db/x',
      KAFKA_SASL_MECHANISM: 'oauth',
      KAFKA_SASL_PASSWORD: 'x',
    });
    expect(error.message).not.toContain('hunter2');
    expect(error.message).toContain('mysql://app:***@db/x');
  });
});

describe('maskConfigValue', () => {
  it('hides secret-named variables entirely and passwords inside URLs', () => {
    expect(maskConfigValue('KAFKA_SASL_PASSWORD', 's3cret')).toBe('***');
    expect(maskConfigValue('TELEMETRY_TOKEN', 'abc')).toBe('***');
    expect(maskConfigValue('DATABASE_URL', 'postgres://u:p4ss@h:5432/db')).toBe('postgres://u:***@h:5432/db');
    expect(maskConfigValue('LOG_LEVEL', 'info')).toBe('info');
    expect(maskConfigValue('LOG_LEVEL', undefined)).toBeUndefined();
  });

  it('reads KEYCLOAK_ as the product it names, not as a key; its secrets are still hidden', () => {
    expect(maskConfigValue('KEYCLOAK_FEED_URL', 'http://kc:8080')).toBe('http://kc:8080');
    expect(maskConfigValue('KEYCLOAK_FEED_CLIENT_SECRET', 'abc')).toBe('***');
    expect(maskConfigValue('AUDIT_SEAL_PRIVATE_KEY', 'pem')).toBe('***');
    expect(maskConfigValue('API_KEY_PEPPER', 'x')).toBe('***');
  });
});
