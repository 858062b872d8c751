import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';

export interface PostOptions {
  headers: Record<string, string>;
  timeoutMs: number;
  /** Extra trusted CA certificates (PEM), for an operations center with a private CA. */
  ca?: Buffer;
  /** Upper bound of the response body kept (error messages only). */
  maxResponseBytes?: number;
}

export interface PostResponse {
  status: number;
  body: Buffer;
}

export function readCa(file: string | undefined): Buffer | undefined {
  return file ? fs.readFileSync(file) : undefined;
}

/** One POST, outbound only, bounded in time; rejects on network errors and timeouts. */
export function postBytes(url: string, body: Uint8Array, options: PostOptions): Promise<PostResponse> {
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  const limit = options.maxResponseBytes ?? 65_536;
  return new Promise((resolve, reject) => {
    const request = client.request(
      target,
      {
        method: 'POST',
        headers: { ...options.headers, 'Content-Length': String(body.length) },
        timeout: options.timeoutMs,
        ...(target.protocol === 'https:' && options.ca ? { ca: options.ca } : {}),
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          if (size < limit) chunks.push(chunk);
          size += chunk.length;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks) }));
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    request.on('error', reject);
    request.end(body);
  });
}

/** 2xx delivered; 408, 429 and 5xx worth retrying; any other 4xx a refusal that retrying cannot fix. */
export function classifyStatus(status: number): 'delivered' | 'retry' | 'rejected' {
  if (status >= 200 && status < 300) return 'delivered';
  if (status === 408 || status === 429 || status >= 500) return 'retry';
  return 'rejected';
}
