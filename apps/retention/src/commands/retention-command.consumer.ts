import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { TOPICS, parseRetentionCommand } from '@meshtrail/contracts';
import {
  BatchConsumer,
  KAFKA_CLIENT,
  TopicNames,
  TransientError,
  type BatchContext,
  type ConsumedRecord,
} from '@meshtrail/kafka';
import { AppLogger } from '@meshtrail/observability';
import { RetentionEnforcer } from '../enforcement/retention-enforcer';

const HEARTBEAT_MS = 3000;

/**
 * On-demand runs: EnforceRetention commands from retention.commands.v1, one consumer group for
 * all replicas. A command is committed only once its run is recorded; while another replica
 * enforces, it is retried with backoff, and a redelivered command whose run exists is skipped.
 * A malformed command is logged with its reason and passed over: nothing could ever run it.
 */
@Injectable()
export class RetentionCommandConsumer implements OnModuleDestroy {
  private readonly logger = new AppLogger('RetentionCommands');
  private readonly consumer: BatchConsumer;

  constructor(
    @Inject(KAFKA_CLIENT) kafka: Kafka,
    names: TopicNames,
    private readonly enforcer: RetentionEnforcer,
  ) {
    this.consumer = new BatchConsumer({
      kafka,
      name: 'RetentionCommand',
      groupId: names.group('retention'),
      topics: [names.topic(TOPICS.retentionCommands)],
      handle: (records, context) => this.handle(records, context),
      retry: { initialMs: 1000, maxMs: 30_000 },
    });
  }

  start(): Promise<void> {
    return this.consumer.start();
  }

  private async handle(records: ConsumedRecord[], context: BatchContext): Promise<void> {
    for (const record of records) {
      const parsed = parseRetentionCommand(record.value);
      if (!parsed.ok) {
        this.logger.warn('Invalid Retention Command', {
          partition: record.partition,
          offset: record.offset,
          reason: parsed.reason,
        });
        continue;
      }
      const { command } = parsed;
      const beat = setInterval(() => void context.heartbeat().catch(() => undefined), HEARTBEAT_MS);
      try {
        const result = await this.enforcer.enforce({
          trigger: 'demand',
          runId: command.commandId,
          dryRun: command.dryRun,
          requestedBy: {
            kind: command.requestedBy.kind,
            id: command.requestedBy.id,
            name: command.requestedBy.displayName,
          },
        });
        // the batch is retried from here, and the runs already recorded are skipped
        if (!result.ran && result.reason === 'another replica is enforcing') {
          throw new TransientError(`run ${command.commandId} waits: another replica is enforcing`);
        }
      } finally {
        clearInterval(beat);
      }
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.enforcer.abort();
    await this.consumer.stop();
  }
}
