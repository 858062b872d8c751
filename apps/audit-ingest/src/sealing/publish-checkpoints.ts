import type { DatabaseConnection } from '@meshtrail/database';
import type { KafkaProducer } from '@meshtrail/kafka';
import { readCheckpoints } from '@meshtrail/trail-proof';

/** projection_positions row whose seq is the last checkpoint number known to be on Kafka. */
const PUBLISHED = 'audit_checkpoints_published';
const BATCH = 20;

/**
 * Publishes, in order, every checkpoint not yet on the checkpoints topic, and records how far it
 * got. At least once: a checkpoint sent twice (a crash between send and record) is the same
 * record under the same key, harmless to any reader.
 */
export async function publishCheckpoints(
  database: DatabaseConnection,
  producer: KafkaProducer,
  topic: string,
): Promise<number> {
  let published = 0;
  for (;;) {
    const [{ seq }] = await database.query<{ seq: string }>(
      'SELECT seq::text FROM projection_positions WHERE projection = $1',
      [PUBLISHED],
    );
    const next = await database.withClient((client) => readCheckpoints(client, Number(seq), BATCH));
    if (next.length === 0) return published;
    for (const checkpoint of next) {
      // one record per request: a checkpoint may be most of the topic's record size limit
      await producer.send(topic, [{ key: String(checkpoint.number), value: JSON.stringify(checkpoint) }]);
      await database.query('UPDATE projection_positions SET seq = $2, projected_at = now() WHERE projection = $1', [
        PUBLISHED,
        checkpoint.number,
      ]);
      published++;
    }
  }
}
