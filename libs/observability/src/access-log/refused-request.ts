/** What the access line can tell of a request Node's HTTP parser refused: what it could read of it. */
export interface RefusedRequest {
  method: string;
  path: string;
  userAgent: string | null;
  accept: string | null;
  forwardedFor: string | undefined;
}

/** Longest method and path kept from a refused request: the stored record's path is bounded too. */
const MAX_METHOD = 32;
const MAX_PATH = 2048;

/**
 * Reads the request line and the few headers the access line shows from the bytes the parser
 * refused (error.rawPacket; Latin-1, as Node reads header values). Whatever is missing or
 * unreadable is `-` or null; nothing here can throw.
 */
export function readRefusedRequest(raw: Buffer | undefined): RefusedRequest {
  const text = raw ? raw.toString('latin1') : '';
  const lines = text.split(/\r?\n/);
  const [method = '', target = ''] = (lines[0] ?? '').split(' ');
  const header = (name: string): string | undefined => {
    const prefix = `${name}:`;
    const line = lines.slice(1).find((l) => l.slice(0, prefix.length).toLowerCase() === prefix);
    return line?.slice(prefix.length).trim();
  };
  return {
    method: method.slice(0, MAX_METHOD) || '-',
    path: target.slice(0, MAX_PATH) || '-',
    userAgent: header('user-agent') || null,
    accept: header('accept') || null,
    forwardedFor: header('x-forwarded-for'),
  };
}

/** The status Node itself would have answered: 431 for headers too large, 408 for a request too slow, else 400. */
export function refusalStatus(error: { code?: string }): number {
  if (error.code === 'HPE_HEADER_OVERFLOW') return 431;
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return 408;
  if (error.code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW') return 413;
  return 400;
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  413: 'Content Too Large',
  431: 'Request Header Fields Too Large',
};

/** The minimal response Node sends a refused request, connection closed after it. */
export function refusalResponse(status: number): string {
  return `HTTP/1.1 ${status} ${REASONS[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`;
}
