import type { Admin, Kafka, Producer } from 'kafkajs';
import type { DeadLetterRecord } from '@meshtrail/contracts';

/** A valid audit CloudEvent (structured mode) for tests; `n` numbers it within its workspace. */
export function auditEvent(
  id: string,
  workspace: string | undefined,
  n: number,
  overrides: Record<string, unknown> = {},
) {
  return {
    specversion: '1.0',
    id,
    source: 'meshstack/test-producer',
    type: 'meshstack.project.updated',
    subject: `p-${n % 50}`,
    time: new Date(Date.now() - 60_000).toISOString(),
    datacontenttype: 'application/json',
    data: {
      objectType: workspace ? 'Project' : 'PlatformInstance',
      objectId: `p-${n % 50}`,
      objectName: `${workspace ?? 'global'}#${n}`,
      action: 'updated',
      ...(workspace ? { workspace } : {}),
      actor: { kind: 'user', id: `u-${n % 7}`, displayName: `User ${n % 7}` },
      change: `changed the quota of p-${n % 50} to ${n}`,
      changes: [{ field: 'quota', from: n - 1, to: n }],
      ...overrides,
    },
  };
}

/** Sends keyed records in chunks and waits for the broker's ack (acks=all). */
export async function sendAll(
  producer: Producer,
  topic: string,
  records: Array<{ key: string | null; value: Buffer | string; headers?: Record<string, string> }>,
  chunk = 500,
): Promise<void> {
  // a record batch may not exceed the topic's max.message.bytes: big records travel alone
  let batch: typeof records = [];
  const flush = async () => {
    if (batch.length > 0) await producer.send({ topic, acks: -1, messages: batch });
    batch = [];
  };
  for (const record of records) {
    if (record.value.length > 100_000) {
      await flush();
      await producer.send({ topic, acks: -1, messages: [record] });
    } else {
      batch.push(record);
      if (batch.length >= chunk) await flush();
    }
  }
  await flush();
}

/** Collects every record of a topic from the beginning, for as long as the returned reader runs. */
export async function readTopic(kafka: Kafka, topic: string, groupId: string) {
  const records: DeadLetterRecord[] = [];
  const consumer = kafka.consumer({ groupId });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      records.push(JSON.parse(message.value!.toString('utf8')) as DeadLetterRecord);
    },
  });
  return {
    records,
    /** Dead letters counted once per original record (redelivery may send one twice). */
    distinct: () => new Map(records.map((r) => [`${r.source.topic}/${r.source.partition}/${r.source.offset}`, r])),
    stop: () => consumer.disconnect(),
  };
}

/** Whether a consumer group has committed every partition of a topic up to its end. */
export async function caughtUp(admin: Admin, groupId: string, topic: string): Promise<boolean> {
  const committed = (await admin.fetchOffsets({ groupId, topics: [topic] }))[0].partitions;
  const ends = await admin.fetchTopicOffsets(topic);
  return ends.every((end) => {
    const offset = committed.find((p) => p.partition === end.partition)?.offset ?? '-1';
    // "-1": nothing committed, which is up to date for a partition that never had a record
    return offset === end.offset || (offset === '-1' && end.offset === '0');
  });
}
