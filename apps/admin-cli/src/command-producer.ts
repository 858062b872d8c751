import { createKafkaClient, KafkaProducer } from '@meshtrail/kafka';
import type { AdminEnv } from './admin.env';

/**
 * The command's one producer (as each service has one), for its records and its audit events
 * alike: connected on first send, so a dry run never reaches the broker; closed when the work ends.
 */
export async function withProducer<T>(env: AdminEnv, work: (producer: KafkaProducer) => Promise<T>): Promise<T> {
  const producer = new KafkaProducer(createKafkaClient(env, 'meshtrail-admin-cli'));
  try {
    return await work(producer);
  } finally {
    await producer.close();
  }
}
