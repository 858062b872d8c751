import type { SiemEntry } from '../siem-entry';
import type { SiemSink } from '../siem-sink';
import { formatRfc5424, frameOctetCounted } from './rfc5424';
import { SyslogConnection, type SyslogConnectionOptions } from './syslog-connection';
import type { SyslogReceiver } from './syslog-receiver';

export interface SyslogFormatOptions {
  facility: number;
  /** IANA private enterprise number for the structured-data IDs (`access@<number>`). */
  enterpriseId: number;
}

/** A batch of entries as RFC 5424 messages, each framed by octet counting (RFC 6587). */
export function syslogFrames(entries: SiemEntry[], format: SyslogFormatOptions): Buffer {
  return Buffer.concat(
    entries.map((entry) =>
      frameOctetCounted(
        formatRfc5424({
          facility: format.facility,
          severity: entry.severity,
          timestamp: entry.timestamp,
          hostname: entry.hostname,
          appName: entry.appName,
          procId: '',
          msgId: entry.msgId,
          structuredData: [{ id: `${entry.sdName}@${format.enterpriseId}`, params: entry.params }],
          message: entry.message,
        }),
      ),
    ),
  );
}

/** RFC 5424 over TCP or TLS to one receiver. */
export class SyslogSink implements SiemSink {
  readonly name: string;
  private readonly connection: SyslogConnection;

  constructor(
    receiver: SyslogReceiver,
    connection: SyslogConnectionOptions,
    private readonly format: SyslogFormatOptions,
  ) {
    this.name = receiver.url;
    this.connection = new SyslogConnection(receiver, connection);
  }

  deliver(entries: SiemEntry[]): Promise<void> {
    return this.connection.deliver(syslogFrames(entries, this.format));
  }

  async close(): Promise<void> {
    this.connection.close();
  }
}
