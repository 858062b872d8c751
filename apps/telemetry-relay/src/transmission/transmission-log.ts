import { Injectable } from '@nestjs/common';
import { DatabaseConnection } from '@meshtrail/database';
import { AppLogger } from '@meshtrail/observability';

export type TransmissionResult = 'delivered' | 'rejected' | 'failed' | 'dropped';

/** One outbound request (or one batch dropped unsent): what and how much, never the payload. */
export interface Transmission {
  at: Date;
  category: string;
  destination: string;
  items: number;
  bytes: number;
  result: TransmissionResult;
  statusCode?: number;
  error?: string;
  durationMs: number;
}

/**
 * The relay's own audit log, in telemetry_transmissions. Writing it never holds up delivery: a
 * failed insert is logged (the same fields, no payload) and delivery goes on.
 */
@Injectable()
export class TransmissionLog {
  private readonly logger = new AppLogger('TransmissionLog');

  constructor(private readonly database: DatabaseConnection) {}

  async record(entry: Transmission): Promise<void> {
    try {
      await this.database.query(
        `INSERT INTO telemetry_transmissions
           (sent_at, category, destination, items, bytes, result, status_code, error, duration_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          entry.at,
          entry.category,
          entry.destination,
          entry.items,
          entry.bytes,
          entry.result,
          entry.statusCode ?? null,
          entry.error?.slice(0, 1000) ?? null,
          Math.round(entry.durationMs),
        ],
      );
    } catch (error) {
      this.logger.warn('Transmission Not Logged', {
        ...entry,
        at: entry.at.toISOString(),
        reason: (error as Error).message,
      });
    }
  }

  /** Creates this and the next months' partitions (run at start and daily). */
  async ensurePartitions(now: Date): Promise<void> {
    try {
      await this.database.query(`SELECT meshtrail_ensure_monthly_partitions('telemetry_transmissions', $1::date, 3)`, [
        now.toISOString().slice(0, 10),
      ]);
    } catch (error) {
      this.logger.warn('Transmission Partitions Not Created', { reason: (error as Error).message });
    }
  }
}
