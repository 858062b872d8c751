import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AuditEventPublisher, TOPICS, retentionCommandMessage, type EnforceRetention } from '@meshtrail/contracts';
import { DatabaseConnection } from '@meshtrail/database';
import { KAFKA_OPTIONS, KafkaProducer, TopicNames, type KafkaModuleOptions } from '@meshtrail/kafka';
import {
  LegalHoldService,
  findRun,
  listHolds,
  recentRuns,
  totalRowsDeleted,
  type HoldActor,
  type LegalHold,
  type RetentionRun,
} from '@meshtrail/retention';

/** A run as the admin API shows it: with the rows it deleted over all stores (per store in `outcomes`). */
export type RunWithTotals = RetentionRun & { rowsDeleted: number };

function withTotals(run: RetentionRun): RunWithTotals {
  return { ...run, rowsDeleted: totalRowsDeleted(run.outcomes) };
}

/**
 * What the admin endpoints do: ask the retention service for a run (an EnforceRetention command
 * on retention.commands.v1; the run's id is the command's), read recorded runs, and place or
 * release legal holds (each with its audit event).
 */
@Injectable()
export class RetentionAdminService {
  private readonly publisher: AuditEventPublisher;

  constructor(
    private readonly database: DatabaseConnection,
    private readonly producer: KafkaProducer,
    private readonly names: TopicNames,
    @Inject(KAFKA_OPTIONS) options: KafkaModuleOptions,
  ) {
    this.publisher = new AuditEventPublisher({
      sink: producer,
      source: 'meshtrail/gateway',
      topicPrefix: options.topicPrefix,
    });
  }

  async requestRun(dryRun: boolean, by: HoldActor): Promise<EnforceRetention> {
    const command: EnforceRetention = {
      type: 'EnforceRetention',
      commandId: randomUUID(),
      dryRun,
      requestedAt: new Date().toISOString(),
      requestedBy: { kind: by.kind, id: by.id, displayName: by.name },
    };
    await this.producer.send(this.names.topic(TOPICS.retentionCommands), [retentionCommandMessage(command)]);
    return command;
  }

  async run(runId: string): Promise<RunWithTotals | undefined> {
    const run = await this.database.withClient((sql) => findRun(sql, runId));
    return run && withTotals(run);
  }

  async runs(limit: number): Promise<RunWithTotals[]> {
    return (await this.database.withClient((sql) => recentRuns(sql, limit))).map(withTotals);
  }

  async holds(includeReleased: boolean): Promise<LegalHold[]> {
    return this.database.withClient((sql) => listHolds(sql, includeReleased));
  }

  async placeHold(workspace: string, reason: string, by: HoldActor): Promise<LegalHold> {
    return this.legalHolds().place({ workspace, reason, by });
  }

  async releaseHold(workspace: string, reason: string, by: HoldActor): Promise<LegalHold> {
    return this.legalHolds().release({ workspace, reason, by });
  }

  private legalHolds(): LegalHoldService {
    return new LegalHoldService(
      (work) => this.database.withClient(work),
      (events) => this.publisher.publish(events),
    );
  }
}
