import { Kafka, logLevel, type KafkaConfig, type LogEntry, type SASLOptions } from 'kafkajs';
import { AppLogger } from '@meshtrail/observability';
import { registerCompressionCodecs } from './compression-codecs';

export interface KafkaConnectionConfig {
  KAFKA_BROKERS: string[];
  KAFKA_SSL: boolean;
  KAFKA_SASL_MECHANISM?: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  KAFKA_SASL_USERNAME?: string;
  KAFKA_SASL_PASSWORD?: string;
}

function sasl(config: KafkaConnectionConfig): SASLOptions | undefined {
  if (!config.KAFKA_SASL_MECHANISM) return undefined;
  return {
    mechanism: config.KAFKA_SASL_MECHANISM,
    username: config.KAFKA_SASL_USERNAME ?? '',
    password: config.KAFKA_SASL_PASSWORD ?? '',
  } as SASLOptions;
}

const LEVEL_NAMES: Record<number, 'ERROR' | 'WARN' | 'INFO' | 'DEBUG'> = {
  [logLevel.ERROR]: 'ERROR',
  [logLevel.WARN]: 'WARN',
  [logLevel.INFO]: 'INFO',
  [logLevel.DEBUG]: 'DEBUG',
};

/** kafkajs' own log lines, in our structured format (its INFO is chatty: kept at DEBUG). */
function logCreator() {
  const logger = new AppLogger('kafkajs');
  return ({ level, log }: LogEntry) => {
    const { message, timestamp: _timestamp, logger: _name, ...fields } = log;
    const name = LEVEL_NAMES[level] ?? 'DEBUG';
    logger.write(name === 'INFO' ? 'DEBUG' : name, message, { namespace: fields.namespace ?? _name, ...fields });
  };
}

/** The one place a kafkajs client is configured: brokers, TLS, SASL and client id from validated env. */
export function createKafkaClient(
  config: KafkaConnectionConfig,
  clientId: string,
  overrides: Partial<KafkaConfig> = {},
): Kafka {
  registerCompressionCodecs(); // every consumer reads snappy, lz4 and zstd batches, not only gzip
  return new Kafka({
    clientId,
    brokers: config.KAFKA_BROKERS,
    ssl: config.KAFKA_SSL,
    sasl: sasl(config),
    connectionTimeout: 3000,
    requestTimeout: 30000,
    logLevel: logLevel.WARN,
    logCreator,
    ...overrides,
  });
}
