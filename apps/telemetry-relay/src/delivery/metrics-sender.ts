import {
  decodeMetricsResponse,
  encodeMetricsRequest,
  encodeRemoteWrite,
  REMOTE_WRITE_HEADERS,
  type ExportMetricsServiceRequest,
} from '@meshtrail/otlp';
import type { BearerSource } from '../registration/bearer-source';
import { centerAnswerOf, type CenterAnswer } from './center-answer';
import { classifyStatus, postBytes, type PostResponse } from './http-post';
import { toWriteRequest } from './prometheus-conversion';

export interface SendOutcome {
  result: 'delivered' | 'retry' | 'rejected';
  bytes: number;
  statusCode?: number;
  error?: string;
  /** What the center said back, when it said something (JSON with status, description, minimums). */
  answer?: CenterAnswer;
}

/** Sends one (merged) OTLP request to the operations center in its protocol. */
export interface MetricsSender {
  readonly destination: 'otlp' | 'remote-write';
  send(request: ExportMetricsServiceRequest): Promise<SendOutcome>;
}

export interface SenderSettings {
  endpoint: string;
  bearer: BearerSource;
  ca?: Buffer;
  timeoutMs: number;
}

const userAgent = 'meshtrail-telemetry-relay';

/**
 * One authenticated POST. No token to be had is a failure worth retrying (nothing is dropped for
 * it); a 401 for a token the source can replace is too: the next attempt carries a new one.
 */
async function post(
  url: string,
  body: Uint8Array,
  headers: Record<string, string>,
  settings: SenderSettings,
): Promise<{ response?: PostResponse; error?: string; statusCode?: number }> {
  let token: string | undefined;
  try {
    token = await settings.bearer.bearer();
  } catch (error) {
    return { error: `no token: ${(error as Error).message}` };
  }
  const authorization: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
  try {
    const response = await postBytes(url, body, {
      headers: { ...headers, ...authorization },
      timeoutMs: settings.timeoutMs,
      ca: settings.ca,
    });
    if (response.status === 401 && token !== undefined && settings.bearer.refused(token))
      return { error: 'the center refused the token (401): a new one is fetched', statusCode: 401 };
    return { response };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** OTLP/HTTP with protobuf bodies: POST <endpoint>/v1/metrics. */
export class OtlpHttpSender implements MetricsSender {
  readonly destination = 'otlp' as const;
  private readonly url: string;

  constructor(private readonly settings: SenderSettings) {
    this.url = `${settings.endpoint.replace(/\/+$/, '')}/v1/metrics`;
  }

  async send(request: ExportMetricsServiceRequest): Promise<SendOutcome> {
    const body = encodeMetricsRequest(request);
    const headers = { 'Content-Type': 'application/x-protobuf', 'User-Agent': userAgent };
    const { response, error, statusCode } = await post(this.url, body, headers, this.settings);
    if (!response) return { result: 'retry', bytes: body.length, statusCode, error };
    const result = classifyStatus(response.status);
    let detail: string | undefined;
    if (result === 'delivered' && response.body.length > 0) {
      try {
        const partial = decodeMetricsResponse(response.body);
        if (partial.rejectedDataPoints > 0)
          detail = `partial success: ${partial.rejectedDataPoints} points rejected: ${partial.errorMessage}`;
      } catch {
        // a 2xx with a body we cannot read is still a success
      }
    } else if (result !== 'delivered') detail = response.body.toString('utf8').slice(0, 500);
    return {
      result,
      bytes: body.length,
      statusCode: response.status,
      error: detail,
      answer: centerAnswerOf(response.body),
    };
  }
}

/** Prometheus remote-write 1.0: snappy-compressed protobuf WriteRequest. */
export class RemoteWriteSender implements MetricsSender {
  readonly destination = 'remote-write' as const;

  constructor(private readonly settings: SenderSettings) {}

  async send(request: ExportMetricsServiceRequest): Promise<SendOutcome> {
    const { write } = toWriteRequest(request);
    const body = encodeRemoteWrite(write);
    const headers = { ...REMOTE_WRITE_HEADERS, 'User-Agent': userAgent };
    const { response, error, statusCode } = await post(this.settings.endpoint, body, headers, this.settings);
    if (!response) return { result: 'retry', bytes: body.length, statusCode, error };
    const result = classifyStatus(response.status);
    return {
      result,
      bytes: body.length,
      statusCode: response.status,
      error: result === 'delivered' ? undefined : response.body.toString('utf8').slice(0, 500),
      answer: centerAnswerOf(response.body),
    };
  }
}
