import { ApiError, type Principal } from '@meshtrail/auth';
import { ReadSlots } from './read-slots';

const jane: Principal = { kind: 'user', id: 'u-jane', name: 'jane', admin: false, workspaces: ['ws-1'] };
const siem: Principal = { kind: 'apiKey', id: 'k-1', name: 'siem', admin: true, workspaces: [] };

const slots = () =>
  new ReadSlots({
    export: {
      perPrincipal: 2,
      perPrincipalSetting: 'EXPORT_CONCURRENCY_PER_PRINCIPAL',
      total: 3,
      totalSetting: 'EXPORT_CONCURRENCY',
    },
    textSearch: { perPrincipal: 1, perPrincipalSetting: 'TEXT_SEARCH_CONCURRENCY_PER_PRINCIPAL' },
  });

function refusal(attempt: () => unknown): { status: number; code: string; limit: string } {
  try {
    attempt();
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    const body = error.getResponse() as { code: string; limit: string };
    return { status: error.getStatus(), code: body.code, limit: body.limit };
  }
  throw new Error('expected a refusal');
}

describe('ReadSlots', () => {
  it('refuses a principal its third export with a 429 naming the setting, and lets others export', () => {
    const reads = slots();
    reads.acquire('export', jane);
    reads.acquire('export', jane);
    expect(refusal(() => reads.acquire('export', jane))).toEqual({
      status: 429,
      code: 'QUERY.TOO_MANY_AT_ONCE',
      limit: 'EXPORT_CONCURRENCY_PER_PRINCIPAL',
    });
    reads.acquire('export', siem);
    expect(reads.runningCount('export')).toBe(3);
  });

  it('refuses anyone past the gateway-wide bound with a 503, and takes released slots back once', () => {
    const reads = slots();
    const release = reads.acquire('export', jane);
    reads.acquire('export', jane);
    reads.acquire('export', siem);
    expect(refusal(() => reads.acquire('export', siem))).toMatchObject({ status: 503, limit: 'EXPORT_CONCURRENCY' });
    release();
    release();
    expect(reads.runningCount('export')).toBe(2);
    reads.acquire('export', siem);
    expect(refusal(() => reads.acquire('export', jane))).toMatchObject({ status: 503 });
    expect(refusal(() => reads.acquire('export', siem))).toMatchObject({ status: 429 });
  });

  it('counts text searches apart from exports', () => {
    const reads = slots();
    reads.acquire('export', jane);
    reads.acquire('export', jane);
    reads.acquire('textSearch', jane);
    expect(refusal(() => reads.acquire('textSearch', jane))).toMatchObject({
      status: 429,
      limit: 'TEXT_SEARCH_CONCURRENCY_PER_PRINCIPAL',
    });
  });
});
