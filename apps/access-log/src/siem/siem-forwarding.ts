import { readFileSync } from 'node:fs';
import os from 'node:os';
import { Injectable, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { TOPICS } from '@meshtrail/contracts';
import { DeadLetterQueue } from '@meshtrail/dead-letters';
import { ConsumerHost, TopicNames } from '@meshtrail/kafka';
import { AccessLogEnv } from '../access-log.env';
import { planForwarders, type ForwarderPlan } from './forwarder-plan';
import { NdjsonFileSink } from './ndjson/ndjson-file.sink';
import { NdjsonHttpSink } from './ndjson/ndjson-http.sink';
import { SiemForwarder } from './siem-forwarder';
import type { SiemSink } from './siem-sink';
import { SyslogSink } from './syslog/syslog.sink';

const STREAM_TOPICS = { 'access-logs': TOPICS.accessLogs, 'audit-events': TOPICS.auditEvents } as const;

/**
 * Registers the configured SIEM forwarders with the consumer host (which starts them with the
 * app and stops them first on shutdown), and closes their sinks once they have stopped.
 */
@Injectable()
export class SiemForwarding implements OnModuleInit, BeforeApplicationShutdown {
  private forwarders: SiemForwarder[] = [];

  constructor(
    private readonly host: ConsumerHost,
    private readonly topics: TopicNames,
    private readonly config: AccessLogEnv,
    private readonly deadLetters: DeadLetterQueue,
  ) {}

  private sink(plan: ForwarderPlan, ca: Buffer | undefined): SiemSink {
    switch (plan.kind) {
      case 'syslog':
        return new SyslogSink(
          plan.receiver,
          { ca, confirmMs: this.config.SIEM_SYSLOG_CONFIRM_MS },
          { facility: this.config.SIEM_SYSLOG_FACILITY, enterpriseId: this.config.SIEM_SYSLOG_ENTERPRISE_ID },
        );
      case 'ndjson-file':
        return new NdjsonFileSink(plan.path, { maxAgeDays: this.config.SIEM_NDJSON_FILE_MAX_AGE_DAYS });
      case 'ndjson-http':
        return new NdjsonHttpSink(plan.url, { authorization: this.config.SIEM_NDJSON_HTTP_TOKEN, ca });
    }
  }

  onModuleInit(): void {
    const ca = this.config.SIEM_CA_FILE ? readFileSync(this.config.SIEM_CA_FILE) : undefined;
    for (const plan of planForwarders(this.config)) {
      const forwarder = new SiemForwarder({
        groupId: this.topics.group(plan.group),
        topic: this.topics.topic(STREAM_TOPICS[plan.stream]),
        stream: plan.stream,
        sink: this.sink(plan, ca),
        hostname: os.hostname(),
        fromBeginning: this.config.SIEM_FORWARD_FROM === 'earliest',
        deadLetter: (letters) => this.deadLetters.send(letters),
      });
      this.forwarders.push(forwarder);
      this.host.register(forwarder.consumer());
    }
  }

  /** After the host stopped the consumers (on the first shutdown hook). */
  async beforeApplicationShutdown(): Promise<void> {
    const forwarders = this.forwarders;
    this.forwarders = [];
    await Promise.all(forwarders.map((forwarder) => forwarder.close()));
  }
}
