import type { ProofAnswer } from '../api/events-api';
import { actorLabel, diffRows, eventLabel, formatTime, sealSummary, workspaceLabel } from './format';

describe('formatting events for the table', () => {
  it('shows times in UTC to the second', () => {
    expect(formatTime('2026-03-01T08:00:00.123456Z')).toBe('2026-03-01 08:00:00 UTC');
    expect(formatTime('not a time')).toBe('not a time');
  });

  it('labels the event by object type and name, else id', () => {
    expect(eventLabel({ objectType: 'Project', objectName: 'payments-prod', objectId: 'p-1' })).toBe(
      'Project payments-prod',
    );
    expect(eventLabel({ objectType: 'Tenant', objectName: null, objectId: 't-9' })).toBe('Tenant t-9');
  });

  it('shows the actor by name and id', () => {
    expect(actorLabel({ kind: 'user', id: 'u-1', name: 'Anna Admin' })).toBe('Anna Admin (u-1)');
    expect(actorLabel({ kind: 'system', id: 'billing', name: null })).toBe('billing');
    expect(actorLabel({ kind: 'user', id: 'jane', name: 'jane' })).toBe('jane');
  });

  it('turns the structured diff into rows of text', () => {
    expect(
      diffRows([
        { field: 'role', from: null, to: 'Workspace Manager' },
        { field: 'quota', from: 1, to: { cpu: 2 } },
        'junk',
      ]),
    ).toEqual([
      { field: 'role', from: '—', to: 'Workspace Manager' },
      { field: 'quota', from: '1', to: '{"cpu":2}' },
    ]);
    expect(diffRows(null)).toEqual([]);
  });
});

describe('the seal of an event', () => {
  const sealed = (checks: Partial<Extract<ProofAnswer, { sealed: true }>['checks']>): ProofAnswer => ({
    sealed: true,
    index: 4,
    treeSize: 8,
    checkpoint: { number: 3, sealedAt: '2026-03-01T08:00:00Z', keyId: 'ed25519:0123' },
    checks: { eventMatchesLeaf: true, leafInRoot: true, signature: 'valid', verified: false, ...checks },
  });

  it('says verified only when the gateway verified every part, and names the part that failed', () => {
    expect(sealSummary(sealed({ verified: true }))).toEqual({
      state: 'verified',
      text: 'Sealed in checkpoint 3 (leaf 5 of 8, sealed 2026-03-01 08:00:00 UTC); proof verified by the gateway',
    });
    expect(sealSummary(sealed({ eventMatchesLeaf: false }))).toMatchObject({
      state: 'failed',
      text: expect.stringContaining('the stored event is not what was sealed'),
    });
    expect(sealSummary(sealed({ leafInRoot: false })).text).toContain('does not lead to the signed root');
    expect(sealSummary(sealed({ signature: 'invalid' })).text).toContain('signature is invalid');
    expect(sealSummary(sealed({ signature: 'unknown-key' })).text).toContain('by an unknown key');
    expect(sealSummary(sealed({ signature: 'not-checked' })).state).toBe('unchecked');
  });

  it('tells not sealed yet, not sealable, not in its checkpoint and a failed request apart', () => {
    const unsealed = (code: string): ProofAnswer => ({ sealed: false, code, message: 'why' });
    expect(sealSummary(unsealed('PROOF.NOT_SEALED_YET')).state).toBe('pending');
    expect(sealSummary(unsealed('PROOF.NOT_SEALABLE')).state).toBe('unsealable');
    expect(sealSummary(unsealed('PROOF.NOT_IN_CHECKPOINT'))).toEqual({
      state: 'failed',
      text: 'Not in its checkpoint: why',
    });
    expect(sealSummary(new Error('503 Service Unavailable'))).toEqual({
      state: 'unknown',
      text: 'Could not be checked: 503 Service Unavailable',
    });
  });
});

describe('the Workspace column', () => {
  it("shows the workspace's name with its id, the id alone when unnamed, global without one", () => {
    expect(workspaceLabel({ workspace: 'ws-1', workspaceName: 'Payments Team' })).toEqual({
      name: 'Payments Team',
      id: 'ws-1',
    });
    expect(workspaceLabel({ workspace: 'ws-1', workspaceName: null })).toEqual({ name: 'ws-1' });
    expect(workspaceLabel({ workspace: 'ws-1', workspaceName: 'ws-1' })).toEqual({ name: 'ws-1' });
    expect(workspaceLabel({ workspace: null, workspaceName: null })).toEqual({ name: 'global' });
  });
});
