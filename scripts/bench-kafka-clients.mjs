#!/usr/bin/env node
// Measures the Kafka clients side by side on the real broker: kafkajs (meshtrail's) and
// @platformatic/kafka (pure JavaScript, installed from the npm registry alone). Each client
// produces, then consumes, the same records in a process of its own, so its peak RSS is its own;
// then the script checks which partition each client's default partitioner gives a few thousand
// keys (against kafkajs' murmur2, the Java client's), and which compression codecs each reads and
// writes. Every topic is the run's own and is deleted at the end.
//
//   npm run bench:kafka-clients -- --records 200000 --size 500 --keys 5000
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build, ensureDependencies } from './lib/ensure-deps.mjs';
import { ensureNode } from './lib/ensure-node.mjs';
import { startBroker, stopBroker } from './kafka-local.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { values: args } = parseArgs({
  options: {
    child: { type: 'string' },
    topic: { type: 'string' },
    records: { type: 'string', default: '200000' },
    size: { type: 'string', default: '500' },
    keys: { type: 'string', default: '5000' },
    batch: { type: 'string', default: '1000' },
  },
  strict: true,
});
const RECORDS = Number(args.records);
const SIZE = Number(args.size);
const KEYS = Number(args.keys);
const BATCH = Number(args.batch);
const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const CODECS = ['gzip', 'snappy', 'lz4', 'zstd'];

const kafkajs = () => require('kafkajs');
const platformatic = () => import('@platformatic/kafka');

/** The i-th record: a key among 1,000 (so partitions fill evenly) and a value of SIZE bytes. */
function record(i) {
  const head = `${i}:`;
  return { key: `workspace-${i % 1000}`, value: head + 'x'.repeat(Math.max(0, SIZE - head.length)) };
}

// ---------------------------------------------------------------- one client, in its own process

const measure = {
  async kafkajs(topic) {
    const { Kafka, Partitioners, logLevel } = kafkajs();
    const kafka = new Kafka({ clientId: 'bench-kafkajs', brokers: BROKERS, logLevel: logLevel.NOTHING });
    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    const produceStarted = performance.now();
    for (let i = 0; i < RECORDS; i += BATCH) {
      const messages = [];
      for (let j = i; j < Math.min(RECORDS, i + BATCH); j++) messages.push(record(j));
      await producer.send({ topic, messages, acks: -1 });
    }
    const produceMs = performance.now() - produceStarted;
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: `${topic}.kafkajs` });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    let seen = 0;
    const consumeStarted = performance.now();
    const done = new Promise((resolve) => {
      void consumer.run({
        // consumption alone: meshtrail commits after its own handling
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          seen += batch.messages.length;
          if (seen >= RECORDS) resolve();
        },
      });
    });
    await done;
    const consumeMs = performance.now() - consumeStarted;
    await consumer.disconnect();
    return { produceMs, consumeMs };
  },

  async platformatic(topic) {
    const { Producer, Consumer, ProduceAcks, stringSerializers, MessagesStreamModes } = await platformatic();
    const producer = new Producer({
      clientId: 'bench-platformatic',
      bootstrapBrokers: BROKERS,
      idempotent: true,
      acks: ProduceAcks.ALL,
      serializers: stringSerializers,
    });
    const produceStarted = performance.now();
    for (let i = 0; i < RECORDS; i += BATCH) {
      const messages = [];
      for (let j = i; j < Math.min(RECORDS, i + BATCH); j++) messages.push({ topic, ...record(j) });
      await producer.send({ messages });
    }
    const produceMs = performance.now() - produceStarted;
    await producer.close();

    const consumer = new Consumer({
      clientId: 'bench-platformatic',
      groupId: `${topic}.platformatic`,
      bootstrapBrokers: BROKERS,
    });
    const consumeStarted = performance.now();
    const stream = await consumer.consume({ topics: [topic], mode: MessagesStreamModes.EARLIEST, autocommit: false });
    let seen = 0;
    for await (const _message of stream) {
      if (++seen >= RECORDS) break;
    }
    const consumeMs = performance.now() - consumeStarted;
    await consumer.close(true);
    return { produceMs, consumeMs };
  },
};

if (args.child) {
  const { produceMs, consumeMs } = await measure[args.child](args.topic);
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ produceMs, consumeMs, peakRssMiB })}\n`);
  process.exit(0);
}

// ---------------------------------------------------------------- the comparison

await ensureNode(); // on an older Node this runs the script again under Node 24
ensureDependencies(root);
build(root); // meshtrail's codecs for kafkajs come from the build
const kafkaPort = Number(process.env.KAFKA_PORT ?? 9092);
const broker = await startBroker({ port: kafkaPort });
const run = `bench-kafka-clients-${randomBytes(3).toString('hex')}`;
const { Kafka, Partitioners, CompressionTypes, CompressionCodecs, logLevel } = kafkajs();
const kafka = new Kafka({ clientId: run, brokers: BROKERS, logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
const created = [];
async function topic(name, partitions) {
  const full = `${run}.${name}`;
  await admin.createTopics({ topics: [{ topic: full, numPartitions: partitions }], waitForLeaders: true });
  created.push(full);
  return full;
}

/** Reads every record of a topic with kafkajs (meshtrail's codecs registered by then). */
async function readAll(from, count) {
  const consumer = kafka.consumer({ groupId: `${from}.reader` });
  await consumer.connect();
  await consumer.subscribe({ topics: [from], fromBeginning: true });
  const records = [];
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${records.length} of ${count} records in 60 s`)), 60_000);
    void consumer.run({
      eachMessage: async ({ partition, message }) => {
        records.push({ partition, key: message.key?.toString(), value: message.value?.toString() });
        if (records.length >= count) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();
  return records;
}

try {
  console.log(
    `bench:kafka-clients  ${RECORDS} records of ${SIZE} bytes, ${BATCH} per send, 3 partitions, acks=all, idempotent`,
  );
  const results = {};
  for (const client of ['kafkajs', 'platformatic']) {
    const name = await topic(`throughput-${client}`, 3);
    const child = spawnSync(
      process.execPath,
      [
        fileURLToPath(import.meta.url),
        '--child',
        client,
        '--topic',
        name,
        '--records',
        `${RECORDS}`,
        '--size',
        `${SIZE}`,
        '--batch',
        `${BATCH}`,
      ],
      { cwd: root, encoding: 'utf8', env: process.env, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    if (child.status !== 0) throw new Error(`${client} run failed (status ${child.status})`);
    results[client] = JSON.parse(child.stdout.trim().split('\n').pop());
  }
  const rate = (ms) => Math.round(RECORDS / (ms / 1000));
  console.log('client                 produce rec/s   consume rec/s   peak RSS MiB');
  for (const [client, r] of Object.entries(results)) {
    const label = client === 'platformatic' ? '@platformatic/kafka' : 'kafkajs';
    console.log(
      `${label.padEnd(22)} ${String(rate(r.produceMs)).padStart(13)}   ${String(rate(r.consumeMs)).padStart(13)}   ${r.peakRssMiB.toFixed(0).padStart(12)}`,
    );
  }

  // partitioning: the same keys through each client's default partitioner, compared on the wire
  const { Producer, compatibilityPartitioner, stringSerializers } = await platformatic();
  const keys = Array.from({ length: KEYS }, (_, i) => `ws-${randomBytes(6).toString('hex')}-${i}`);
  for (const partitions of [3, 12]) {
    const expected = Partitioners.DefaultPartitioner();
    const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({ partitionId, leader: 0 }));
    const javaPartition = (key) => expected({ topic: 'x', partitionMetadata, message: { key } });
    for (const [label, partitioner] of [
      ['default partitioner', undefined],
      ['compatibilityPartitioner', compatibilityPartitioner],
    ]) {
      const name = await topic(`partitions-${partitions}-${partitioner ? 'compat' : 'default'}`, partitions);
      const producer = new Producer({
        clientId: run,
        bootstrapBrokers: BROKERS,
        serializers: stringSerializers,
        ...(partitioner ? { partitioner } : {}),
      });
      for (let i = 0; i < keys.length; i += 500) {
        await producer.send({ messages: keys.slice(i, i + 500).map((key) => ({ topic: name, key, value: key })) });
      }
      await producer.close();
      const stored = await readAll(name, keys.length);
      const differing = stored.filter((r) => r.partition !== javaPartition(r.key)).length;
      console.log(
        `partitions ${String(partitions).padStart(2)}: @platformatic/kafka ${label.padEnd(24)} ${differing} of ${keys.length} keys on another partition than kafkajs/Java murmur2`,
      );
    }
  }

  // codecs: what each client writes and reads without help, and kafkajs with meshtrail's codecs
  const codecResults = { kafkajs: {}, 'kafkajs + meshtrail codecs': {}, '@platformatic/kafka writes': {} };
  const kafkajsType = {
    gzip: CompressionTypes.GZIP,
    snappy: CompressionTypes.Snappy,
    lz4: CompressionTypes.LZ4,
    zstd: CompressionTypes.ZSTD,
  };
  const trySend = async (label, codec) => {
    const name = await topic(`codec-${label.replace(/\W+/g, '-')}-${codec}`, 1);
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    try {
      await producer.send({
        topic: name,
        messages: [{ key: 'k', value: `${codec} via ${label}` }],
        compression: kafkajsType[codec],
      });
      const [read] = await readAll(name, 1);
      return read.value === `${codec} via ${label}` ? 'yes' : 'wrong bytes';
    } catch (error) {
      return `no (${error.message.slice(0, 60)})`;
    } finally {
      await producer.disconnect();
    }
  };
  for (const codec of CODECS) {
    try {
      // kafkajs' registry holds a factory per codec; those it lacks throw "not implemented"
      CompressionCodecs[kafkajsType[codec]]();
      codecResults.kafkajs[codec] = 'yes';
    } catch (error) {
      codecResults.kafkajs[codec] = `no (${error.message})`;
    }
  }
  require(path.join(root, 'dist/libs/kafka/src/compression-codecs.js')).registerCompressionCodecs();
  for (const codec of CODECS) codecResults['kafkajs + meshtrail codecs'][codec] = await trySend('kafkajs', codec);
  const { Consumer, MessagesStreamModes, stringDeserializers } = await platformatic();
  codecResults['@platformatic/kafka reads'] = {};
  for (const codec of CODECS) {
    const consumer = new Consumer({
      clientId: run,
      groupId: `${run}.codec-reader-${codec}`,
      bootstrapBrokers: BROKERS,
      deserializers: stringDeserializers,
    });
    try {
      const stream = await consumer.consume({
        topics: [`${run}.codec-kafkajs-${codec}`],
        mode: MessagesStreamModes.EARLIEST,
        autocommit: false,
      });
      const read = await Promise.race([
        (async () => {
          for await (const message of stream) return message.value;
        })(),
        new Promise((_, reject) => setTimeout(() => reject(new Error('nothing read in 30 s')), 30_000)),
      ]);
      codecResults['@platformatic/kafka reads'][codec] = read === `${codec} via kafkajs` ? 'yes' : 'wrong bytes';
    } catch (error) {
      codecResults['@platformatic/kafka reads'][codec] = `no (${error.message.slice(0, 60)})`;
    } finally {
      await consumer.close(true);
    }
  }
  for (const codec of CODECS) {
    const name = await topic(`codec-platformatic-${codec}`, 1);
    const producer = new Producer({
      clientId: run,
      bootstrapBrokers: BROKERS,
      serializers: stringSerializers,
      compression: codec,
    });
    try {
      await producer.send({ messages: [{ topic: name, key: 'k', value: `${codec} via platformatic` }] });
      // read back by kafkajs (with meshtrail's codecs): the batch is a standard one
      const [read] = await readAll(name, 1);
      codecResults['@platformatic/kafka writes'][codec] =
        read.value === `${codec} via platformatic` ? 'yes' : 'wrong bytes';
    } catch (error) {
      codecResults['@platformatic/kafka writes'][codec] = `no (${error.message.slice(0, 60)})`;
    } finally {
      await producer.close();
    }
  }
  console.log(`codecs (${CODECS.join(', ')}):`);
  for (const [label, row] of Object.entries(codecResults)) {
    console.log(`  ${label.padEnd(28)} ${CODECS.map((codec) => `${codec}: ${row[codec]}`).join('  ')}`);
  }
} finally {
  await admin.deleteTopics({ topics: created, timeout: 20_000 }).catch(() => undefined);
  await admin.disconnect();
  if (broker.started) await stopBroker({ port: kafkaPort });
}
