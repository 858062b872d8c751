import { IsInt, IsOptional, IsString } from 'class-validator';
import { EnvInt, EnvList } from './env-transforms';
import { envVariables } from './env-variables';
import { ServiceEnv } from './service.env';

class ExampleEnv extends ServiceEnv {
  override PORT = 9000;

  @EnvInt()
  @IsInt()
  BATCH_SIZE = 500;

  @EnvList()
  @IsString({ each: true })
  NAMES: string[] = ['a', 'b'];

  @IsOptional()
  @IsString()
  ENDPOINT?: string;

  /** not validated, so not read from the environment */
  helper = 'x';
}

describe('envVariables', () => {
  it('lists every validated variable with its default in environment spelling, inherited ones included', () => {
    const byName = Object.fromEntries(envVariables(ExampleEnv).map((v) => [v.name, v.default]));
    expect(byName).toMatchObject({
      PORT: '9000',
      BATCH_SIZE: '500',
      NAMES: 'a,b',
      ENDPOINT: undefined,
      LOG_LEVEL: 'info',
      KAFKA_BROKERS: '127.0.0.1:9092',
      KAFKA_SASL_PASSWORD: undefined,
    });
    expect(Object.keys(byName)).not.toContain('helper');
    expect(Object.keys(byName)).toHaveLength(new Set(Object.keys(byName)).size);
  });
});
