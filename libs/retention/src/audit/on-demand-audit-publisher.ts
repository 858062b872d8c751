import type { AuditEventInput, AuditEventPublisher } from '@meshtrail/contracts';

/**
 * The contract's audit publisher, connected on first use (so a broker down at start stops
 * nothing) and again after a failed connect; closed with the service.
 */
export class OnDemandAuditPublisher {
  private connected?: Promise<void>;

  constructor(private readonly publisher: AuditEventPublisher) {}

  async publish(events: AuditEventInput[]): Promise<void> {
    this.connected ??= this.publisher.connect().catch((error: unknown) => {
      this.connected = undefined;
      throw error;
    });
    await this.connected;
    await this.publisher.publish(events);
  }

  async close(): Promise<void> {
    if (this.connected) await this.connected.then(() => this.publisher.disconnect()).catch(() => undefined);
    this.connected = undefined;
  }
}
