import { ConsumerRegistry, stalledPartitions } from './consumer-registry';

const STALL_MS = 30_000;

describe('stalledPartitions', () => {
  const t0 = 1_000_000;

  it('given a partition with lag that has not advanced for the stall time, names it with its offset, lag and last error', () => {
    const registry = new ConsumerRegistry();
    const status = registry.register('AuditEvents', 'g', ['audit.events.v1'], t0);
    registry.observe(status, { topic: 'audit.events.v1', partition: 2, committed: '10', low: '0', high: '15' }, t0);
    registry.failed(
      status,
      { topic: 'audit.events.v1', partition: 2, offset: '10' },
      { kind: 'transient', message: 'connect ECONNREFUSED' },
      t0 + 1000,
      t0,
    );
    expect(stalledPartitions(status, t0 + STALL_MS - 1, STALL_MS)).toEqual([]);
    expect(stalledPartitions(status, t0 + STALL_MS, STALL_MS)).toEqual([
      {
        group: 'g',
        consumer: 'AuditEvents',
        topic: 'audit.events.v1',
        partition: 2,
        committedOffset: '10',
        lag: 5,
        stalledForSeconds: 30,
        lastError: 'transient failure at offset 10: connect ECONNREFUSED',
      },
    ]);
  });

  it('does not call an idle partition stalled, however long nothing arrives', () => {
    const registry = new ConsumerRegistry();
    const status = registry.register('AuditEvents', 'g', ['t'], t0);
    registry.observe(status, { topic: 't', partition: 0, committed: '15', low: '0', high: '15' }, t0);
    expect(stalledPartitions(status, t0 + 10 * STALL_MS, STALL_MS)).toEqual([]);
  });

  it('starts the clock again when the partition advances, and forgets the last error', () => {
    const registry = new ConsumerRegistry();
    const status = registry.register('AuditEvents', 'g', ['t'], t0);
    registry.observe(status, { topic: 't', partition: 0, committed: '-1', low: '0', high: '100' }, t0);
    registry.failed(status, { topic: 't', partition: 0, offset: '0' }, { kind: 'record', message: 'x' }, t0, t0);
    registry.committed(status, 't', 0, '50', t0 + STALL_MS);
    expect(stalledPartitions(status, t0 + STALL_MS + 1, STALL_MS)).toEqual([]);
    expect(status.partitions.get('t/0')).toMatchObject({ lag: 50, committedOffset: '50', lastError: undefined });
    // measured again later with no progress: stalled once the stall time has passed since the advance
    registry.observe(status, { topic: 't', partition: 0, committed: '50', low: '0', high: '100' }, t0 + 2 * STALL_MS);
    expect(stalledPartitions(status, t0 + 2 * STALL_MS, STALL_MS)).toHaveLength(1);
  });

  it("leaves the group's partitions this member was not assigned to the members that were", () => {
    const registry = new ConsumerRegistry();
    const status = registry.register('AuditEvents', 'g', ['t'], t0);
    for (const partition of [0, 1]) {
      registry.observe(status, { topic: 't', partition, committed: '0', low: '0', high: '9' }, t0);
    }
    registry.assigned(status, ['t/1'], t0);
    expect(stalledPartitions(status, t0 + STALL_MS, STALL_MS).map((s) => s.partition)).toEqual([1]);
  });

  it('gives a partition taken over from another member the whole stall time', () => {
    const registry = new ConsumerRegistry();
    const status = registry.register('AuditEvents', 'g', ['t'], t0);
    registry.observe(status, { topic: 't', partition: 0, committed: '0', low: '0', high: '9' }, t0);
    registry.assigned(status, ['t/0'], t0 + 5 * STALL_MS);
    expect(stalledPartitions(status, t0 + 5 * STALL_MS + 1, STALL_MS)).toEqual([]);
  });

  it('counts no lag for a group that starts at the end and has committed nothing yet', () => {
    const registry = new ConsumerRegistry();
    const status = registry.register('SiemForwarder', 'g', ['t'], t0, true);
    registry.observe(status, { topic: 't', partition: 0, committed: '-1', low: '0', high: '500' }, t0);
    expect(status.partitions.get('t/0')!.lag).toBe(0);
  });

  it('counts a failing partition whose lag was never measured (the broker away) as having work', () => {
    const registry = new ConsumerRegistry();
    const status = registry.register('KeycloakEvents', 'g', ['t'], t0);
    registry.failed(status, { topic: 't', partition: 1, offset: '7' }, { kind: 'transient', message: 'down' }, t0, t0);
    expect(stalledPartitions(status, t0 + STALL_MS, STALL_MS).map((s) => s.partition)).toEqual([1]);
  });
});
