import type { Type } from 'protobufjs';
import SnappyJS from 'snappyjs';
import { telemetryRoot } from './schema';

export interface PromLabel {
  name: string;
  value: string;
}

export interface PromSample {
  value: number;
  /** Milliseconds since the epoch. */
  timestamp: number;
}

export interface PromTimeSeries {
  labels: PromLabel[];
  samples: PromSample[];
}

export interface PromMetricMetadata {
  type: number;
  metricFamilyName: string;
  help?: string;
  unit?: string;
}

export interface WriteRequest {
  timeseries: PromTimeSeries[];
  metadata?: PromMetricMetadata[];
}

export const PROM_METRIC_TYPE = { UNKNOWN: 0, COUNTER: 1, GAUGE: 2, HISTOGRAM: 3, SUMMARY: 5 } as const;

const writeRequestType: Type = telemetryRoot.lookupType('prometheus.WriteRequest');

/** A Prometheus remote-write 1.0 body: protobuf WriteRequest, snappy block-compressed. */
export function encodeRemoteWrite(request: WriteRequest): Buffer {
  const raw = writeRequestType.encode(request as never).finish();
  return Buffer.from(SnappyJS.compress(raw));
}

/** The inverse, for tests and tools. */
export function decodeRemoteWrite(body: Uint8Array): WriteRequest {
  const raw = SnappyJS.uncompress(body);
  return writeRequestType.toObject(writeRequestType.decode(raw), {
    longs: Number,
    arrays: true,
    defaults: true,
  }) as WriteRequest;
}

/** The headers the remote-write 1.0 specification requires. */
export const REMOTE_WRITE_HEADERS = {
  'Content-Type': 'application/x-protobuf',
  'Content-Encoding': 'snappy',
  'X-Prometheus-Remote-Write-Version': '0.1.0',
} as const;
