import { PassThrough, type Writable } from 'node:stream';
import type { Principal } from '@meshtrail/auth';
import type { AuditViewRecorder } from '../events/audit/audit-view.recorder';
import type { AuditLogView } from '../events/audit/audit-log-viewed';
import { ReadSlots } from '../read-limits/read-slots';
import type { ProofStoreReader } from './proof-store.reader';
import { ProofsService } from './proofs.service';
import { parseSealPublicKeys } from './seal-public-keys';

const admin: Principal = { kind: 'apiKey', id: 'k-1', name: 'auditor', admin: true, workspaces: [] };
const owner: Principal = { kind: 'user', id: 'u-1', name: 'Max', admin: false, workspaces: ['ws-1'] };

/** The service with real export slots (one per principal), a store that streams two lines, and a recorder that may fail. */
function service(recording: 'works' | 'fails' = 'works') {
  const slots = new ReadSlots({
    export: { perPrincipal: 1, perPrincipalSetting: 'EXPORT_CONCURRENCY_PER_PRINCIPAL' },
    textSearch: { perPrincipal: 1, perPrincipalSetting: 'TEXT_SEARCH_CONCURRENCY_PER_PRINCIPAL' },
  });
  const recorded: AuditLogView[] = [];
  const store = {
    stream: async (_produce: unknown, sink: Writable) => {
      sink.end('{"line":1}\n{"line":2}\n');
    },
  } as unknown as ProofStoreReader;
  const views = {
    record: async (view: AuditLogView) => {
      if (recording === 'fails') throw new Error('broker down');
      recorded.push(view);
    },
  } as unknown as AuditViewRecorder;
  const proofs = new ProofsService(
    store,
    views,
    slots,
    { queryTimeoutMs: 1000, exportTimeoutMs: 60_000 },
    parseSealPublicKeys(undefined),
  );
  return { proofs, slots, recorded };
}

describe('the verifiable exports', () => {
  it('are for whole-trail readers only, refused before a slot is taken or a read recorded', async () => {
    const { proofs, slots, recorded } = service();
    expect(() => proofs.checkpointsExport(owner)).toThrow(/whole trail/);
    await expect(proofs.trailExport({ principal: owner })).rejects.toThrow(/whole trail/);
    expect(slots.runningCount('export')).toBe(0);
    expect(recorded).toEqual([]);
  });

  it('hold an export slot of their principal until the stream ends, and one more at once is a 429', async () => {
    const { proofs, slots, recorded } = service();
    const write = await proofs.trailExport({ principal: admin, sourceIp: '10.0.0.1' });
    expect(recorded).toEqual([expect.objectContaining({ operation: 'export', format: 'trail', sourceIp: '10.0.0.1' })]);
    expect(slots.runningCount('export')).toBe(1);
    expect(() => proofs.checkpointsExport(admin)).toThrow(expect.objectContaining({ status: 429 }));
    const sink = new PassThrough();
    await write(sink);
    expect(sink.read()?.toString()).toBe('{"line":1}\n{"line":2}\n');
    expect(slots.runningCount('export')).toBe(0);
    await proofs.checkpointsExport(admin)(new PassThrough());
    expect(slots.runningCount('export')).toBe(0);
  });

  it('give the slot back when the read cannot be recorded', async () => {
    const { proofs, slots } = service('fails');
    await expect(proofs.trailExport({ principal: admin })).rejects.toThrow('broker down');
    expect(slots.runningCount('export')).toBe(0);
  });
});
