import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { TOPICS, parseRetentionCommand } from '@meshtrail/contracts';
import { ConsumerHost, TopicNames, TransientError, type BatchContext, type ConsumedRecord } from '@meshtrail/kafka';
import { DeadLetterQueue } from '@meshtrail/dead-letters';
import { RetentionEnforcer } from '../enforcement/retention-enforcer';

const HEARTBEAT_MS = 3000;
/** The dead-letter reason of a command that does not parse or validate. */
export const INVALID_COMMAND = 'RETENTION_COMMAND.INVALID';

/**
 * On-demand runs: EnforceRetention commands from retention.commands.v1, one consumer group for
 * all replicas. A command is committed only once its run is recorded; while another replica
 * enforces, it is retried with backoff, and a redelivered command whose run exists is skipped.
 * A malformed command is dead-lettered (RETENTION_COMMAND.INVALID, with the parse reason) and passed over.
 */
@Injectable()
export class RetentionCommandConsumer implements OnModuleInit, OnModuleDestroy {
  constructor(
    private readonly host: ConsumerHost,
    private readonly names: TopicNames,
    private readonly enforcer: RetentionEnforcer,
    private readonly deadLetters: DeadLetterQueue,
  ) {}

  onModuleInit(): void {
    this.host.register({
      name: 'RetentionCommand',
      groupId: this.names.group('retention'),
      topics: [this.names.topic(TOPICS.retentionCommands)],
      handle: (records, context) => this.handle(records, context),
      retry: { initialMs: 1000, maxMs: 30_000 },
      deadLetter: (letters) => this.deadLetters.send(letters),
    });
  }

  private async handle(records: ConsumedRecord[], context: BatchContext): Promise<void> {
    for (const record of records) {
      const parsed = parseRetentionCommand(record.value);
      if (!parsed.ok) {
        // nothing could ever run it: a dead letter (stored once, even when the batch is retried)
        await this.deadLetters.send([{ record, reason: INVALID_COMMAND, message: parsed.reason }]);
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

  /** Before the host stops the consumers: a run in flight stops at its next batch, so the stop is quick. */
  onModuleDestroy(): void {
    this.enforcer.abort();
  }
}
