import { setTimeout as delay } from 'node:timers/promises';
import type { Message, Producer } from 'kafkajs';
import { Client } from 'pg';
import { summarise, type LatencySummary } from './percentiles';
import { QueryableProbe } from './queryable-probe';

export interface PublishToQueryableSettings {
  producer: Producer;
  topic: string;
  /** Message number i; `sampleTag`, when given, is the object id the query API finds it by. */
  message: (i: number, sampleTag?: string) => Message;
  /** Where sample tags come from, unique to the run. */
  tagPrefix: string;
  /** The gateway and an API key that may read every event. */
  gatewayUrl: string;
  apiKey: string;
  /** The database the ingest writes: where each sample's writer transaction began (audit_events.ingested_at). */
  databaseUrl: string;
  eventsPerSecond: number;
  seconds: number;
}

export interface PublishToQueryableResult {
  published: number;
  publishedPerSecond: number;
  sends: number;
  latency: LatencySummary;
  /**
   * The found samples' latency in two parts: from the send resolving to the start of the writer
   * transaction that stored it (Kafka, the consumer, validation), and from there until the query
   * API returned it (the write, the projector, the query). Read against PostgreSQL's clock, so
   * only with it on this machine; each part summarised on its own (their p99s need not add up),
   * and the first may be slightly negative (a writer can begin before the producer hears the ack).
   */
  untilWriter: LatencySummary;
  afterWriter: LatencySummary;
  missed: number;
  /** Query API requests made, and how often one sample was looked up at most. */
  lookups: number;
  pollers: number;
  pollEveryMs: number;
  /** CPU time this process spent over the whole measurement (publishing and polling), in seconds. */
  benchCpuSeconds: number;
  /** How long a sample is looked for before it counts as missed. */
  deadlineSeconds: number;
}

/** Sends are paced in ticks of this length; each send carries one sample. */
const TICK_MS = 100;
const POLLERS = 4;
const POLL_EVERY_MS = 50;
const DEADLINE_MS = 30_000;
/** A send carries at most this many milliseconds' worth of events, so a producer running late catches up in pieces. */
const MAX_SEND_MS = 500;

/**
 * Publishes at a steady rate for a while and measures, for the first event of every send, the time
 * from the send resolving to the query API returning the event (`GET /api/v1/events?objectId=`).
 */
export async function publishToQueryable(settings: PublishToQueryableSettings): Promise<PublishToQueryableResult> {
  const { producer, topic, eventsPerSecond, seconds } = settings;
  const cpuBefore = process.cpuUsage();
  let lookups = 0;
  const lookup = (tag: string) => {
    lookups++;
    return returnedByQueryApi(settings, tag);
  };
  const probe = new QueryableProbe(lookup, {
    pollers: POLLERS,
    pollEveryMs: POLL_EVERY_MS,
    deadlineMs: DEADLINE_MS,
  });
  const total = Math.round(eventsPerSecond * seconds);
  const perSendAtMost = Math.max(1, Math.round((eventsPerSecond * MAX_SEND_MS) / 1000));
  const started = performance.now();
  let sent = 0;
  let sends = 0;
  /** Wall-clock time each sample's send resolved, to compare with the database's clock. */
  const sentAt = new Map<string, number>();
  while (sent < total) {
    const due = Math.min(total, Math.floor((eventsPerSecond * (performance.now() - started)) / 1000)) - sent;
    if (due > 0) {
      const count = Math.min(due, perSendAtMost);
      const tag = `${settings.tagPrefix}-${sends}`;
      const messages = Array.from({ length: count }, (_, k) => settings.message(sent + k, k === 0 ? tag : undefined));
      await producer.send({ topic, acks: -1, messages });
      probe.track(tag, performance.now());
      sentAt.set(tag, Date.now());
      sent += count;
      sends++;
    }
    // to the next tick, so sends (and samples) keep to one a tick however long a send takes
    await delay(TICK_MS - ((performance.now() - started) % TICK_MS));
  }
  const publishSeconds = (performance.now() - started) / 1000;
  const { latenciesMs, missed } = await probe.finish();
  const writerStarts = await writerStartsOf(settings.databaseUrl, [...latenciesMs.keys()]);
  const untilWriter: number[] = [];
  const afterWriter: number[] = [];
  for (const [tag, latency] of latenciesMs) {
    const writerStart = writerStarts.get(tag);
    if (writerStart === undefined)
      throw new Error(`sample ${tag} was returned by the query API but is not in audit_event_search`);
    const until = writerStart - sentAt.get(tag)!;
    untilWriter.push(until);
    afterWriter.push(latency - until);
  }
  return {
    published: sent,
    publishedPerSecond: Math.round(sent / publishSeconds),
    sends,
    latency: summarise([...latenciesMs.values()]),
    untilWriter: summarise(untilWriter),
    afterWriter: summarise(afterWriter),
    missed,
    lookups,
    pollers: POLLERS,
    pollEveryMs: POLL_EVERY_MS,
    benchCpuSeconds: (({ user, system }) => (user + system) / 1e6)(process.cpuUsage(cpuBefore)),
    deadlineSeconds: DEADLINE_MS / 1000,
  };
}

/** When the transaction that stored each sample began (ingested_at is its now()), in epoch milliseconds. */
async function writerStartsOf(databaseUrl: string, tags: string[]): Promise<Map<string, number>> {
  const db = new Client({ connectionString: databaseUrl, application_name: 'meshtrail-bench-ingest' });
  await db.connect();
  try {
    const { rows } = await db.query<{ object_id: string; started_ms: number }>(
      `SELECT object_id, (extract(epoch FROM ingested_at) * 1000)::float8 AS started_ms
       FROM audit_event_search WHERE object_id = ANY($1::text[])`,
      [tags],
    );
    return new Map(rows.map((row) => [row.object_id, row.started_ms]));
  } finally {
    await db.end();
  }
}

async function returnedByQueryApi(settings: PublishToQueryableSettings, tag: string): Promise<boolean> {
  const res = await fetch(`${settings.gatewayUrl}/api/v1/events?limit=1&objectId=${encodeURIComponent(tag)}`, {
    headers: { authorization: `Bearer ${settings.apiKey}` },
  });
  const body = (await res.json()) as { events?: unknown[] };
  if (res.status !== 200) throw new Error(`query API: HTTP ${res.status} ${JSON.stringify(body)}`);
  return (body.events?.length ?? 0) > 0;
}
