import { fileURLToPath } from 'node:url';
import type { SiemStream } from './siem-entry';
import { parseSyslogReceiver, type SyslogReceiver } from './syslog/syslog-receiver';

export type ForwarderPlan =
  | { kind: 'syslog'; receiver: SyslogReceiver; stream: SiemStream; group: string }
  | { kind: 'ndjson-file'; path: string; stream: SiemStream; group: string }
  | { kind: 'ndjson-http'; url: string; stream: SiemStream; group: string };

export interface ForwardingSettings {
  SIEM_SYSLOG_RECEIVERS: string[];
  SIEM_SYSLOG_STREAMS: SiemStream[];
  SIEM_NDJSON_TARGET?: string;
  SIEM_NDJSON_STREAMS: SiemStream[];
}

function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9.-]+/g, '_');
}

/**
 * One forwarder per destination and stream, each with a consumer group of its own (named after
 * the destination), so each keeps its own place and an outage of one holds up no other.
 */
export function planForwarders(settings: ForwardingSettings): ForwarderPlan[] {
  const plans: ForwarderPlan[] = [];
  for (const url of settings.SIEM_SYSLOG_RECEIVERS) {
    const receiver = parseSyslogReceiver(url);
    if (!receiver) throw new Error(`not a syslog receiver: ${url}`);
    for (const stream of new Set(settings.SIEM_SYSLOG_STREAMS)) {
      const group = `access-log.siem.syslog.${slug(receiver.host)}-${receiver.port}.${stream}`;
      plans.push({ kind: 'syslog', receiver, stream, group });
    }
  }
  const target = settings.SIEM_NDJSON_TARGET;
  if (target) {
    for (const stream of new Set(settings.SIEM_NDJSON_STREAMS)) {
      const group = `access-log.siem.ndjson.${stream}`;
      plans.push(
        target.startsWith('file:')
          ? { kind: 'ndjson-file', path: fileURLToPath(target), stream, group }
          : { kind: 'ndjson-http', url: target, stream, group },
      );
    }
  }
  return plans;
}
