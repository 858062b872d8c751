import { metrics } from '@opentelemetry/api';
import { parseUsageEvent } from '@meshtrail/contracts';
import { TransientError, type ConsumedRecord, type DeadLetter } from '@meshtrail/kafka';
import { AppLogger } from '@meshtrail/observability';
import { classifyStatus, postBytes } from '../delivery/http-post';
import type { ScrubRules } from '../policy/scrubber';
import type { Transmission } from '../transmission/transmission-log';
import { toPlausibleEvent } from './usage-scrubbing';

const meter = metrics.getMeter('meshtrail');
/** The dead-letter reason of a usage event that is not one. */
export const USAGE_INVALID = 'USAGE.INVALID';

const rejectedEvents = meter.createCounter('meshtrail.telemetry.relay.usage_rejected', {
  description: 'Usage events that were malformed (logged with their reason) or refused by the usage endpoint',
});

export interface UsageSettings {
  endpoint: string;
  domain: string;
  timeoutMs: number;
  propRules: ScrubRules;
  safePathWords: ReadonlySet<string>;
}

/**
 * Relays usage events to a Plausible-compatible events API (POST /api/event, JSON). Built only
 * when usage reporting is enabled: otherwise nothing consumes usage.events.v1 and nothing is sent.
 * A failed send throws, so the consumer retries the batch with backoff (usage counts tolerate the
 * rare duplicate a retry can cause; they do not tolerate customer data, which the scrub removes).
 */
export class UsageRelay {
  private readonly logger = new AppLogger('UsageRelay');
  private readonly url: string;

  constructor(
    private readonly settings: UsageSettings,
    private readonly log: (entry: Transmission) => Promise<void>,
    /** Where malformed events go: kept whole and replayable, never sent. */
    private readonly deadLetter: (letters: DeadLetter[]) => Promise<void>,
  ) {
    this.url = `${settings.endpoint.replace(/\/+$/, '')}/api/event`;
  }

  async handle(records: ConsumedRecord[]): Promise<void> {
    const refused: DeadLetter[] = [];
    for (const record of records) {
      const parsed = parseUsageEvent(record.value);
      if (!parsed.ok) {
        rejectedEvents.add(1, { reason: 'malformed' });
        refused.push({ record, reason: USAGE_INVALID, message: parsed.reason });
        this.logger.warn('Usage Event Rejected', {
          topic: record.topic,
          partition: record.partition,
          offset: record.offset,
          reason: parsed.reason,
        });
        continue;
      }
      const body = Buffer.from(
        JSON.stringify(
          toPlausibleEvent(parsed.event, this.settings.domain, this.settings.propRules, this.settings.safePathWords),
        ),
      );
      const started = Date.now();
      let status: number | undefined;
      let error: string | undefined;
      try {
        const response = await postBytes(this.url, body, {
          headers: { 'Content-Type': 'application/json', 'User-Agent': 'meshtrail-telemetry-relay' },
          timeoutMs: this.settings.timeoutMs,
        });
        status = response.status;
        if (classifyStatus(status) !== 'delivered') error = response.body.toString('utf8').slice(0, 500);
      } catch (failure) {
        error = (failure as Error).message;
      }
      const verdict = status === undefined ? 'retry' : classifyStatus(status);
      await this.log({
        at: new Date(started),
        category: 'usage',
        destination: 'plausible',
        items: 1,
        bytes: body.length,
        result: verdict === 'retry' ? 'failed' : verdict,
        statusCode: status,
        error,
        durationMs: Date.now() - started,
      });
      // the endpoint's trouble, not the event's: the consumer pauses and retries, dead-letters nothing
      if (verdict === 'retry') throw new TransientError(`usage endpoint unavailable: ${error ?? `HTTP ${status}`}`);
      if (verdict === 'rejected') rejectedEvents.add(1, { reason: 'refused' });
    }
    await this.deadLetter(refused);
  }
}
