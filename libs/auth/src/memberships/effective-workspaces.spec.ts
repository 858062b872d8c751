import { effectiveWorkspaces } from './effective-workspaces';

const issuedAt = new Date('2026-03-01T10:00:00Z');
const before = new Date('2026-03-01T09:00:00Z');
const after = new Date('2026-03-01T10:05:00Z');

describe('effectiveWorkspaces', () => {
  it('given claims only, then the claimed workspaces', () => {
    expect(effectiveWorkspaces(['ws-2', 'ws-1'], [], issuedAt)).toEqual(['ws-1', 'ws-2']);
  });

  it('given a membership granted after the token, then it counts without a new token', () => {
    expect(effectiveWorkspaces([], [{ workspace: 'ws-3', active: true, changedAt: after }], issuedAt)).toEqual([
      'ws-3',
    ]);
  });

  it('given a revocation after the token was issued, then the claim no longer counts', () => {
    const memberships = [{ workspace: 'ws-1', active: false, changedAt: after }];
    expect(effectiveWorkspaces(['ws-1', 'ws-2'], memberships, issuedAt)).toEqual(['ws-2']);
  });

  it('given a revocation older than the token, then the newer claim (a re-grant the IdP knows of) counts', () => {
    const memberships = [{ workspace: 'ws-1', active: false, changedAt: before }];
    expect(effectiveWorkspaces(['ws-1'], memberships, issuedAt)).toEqual(['ws-1']);
  });

  it('given a token without iat, then any recorded revocation wins over its claims', () => {
    const memberships = [{ workspace: 'ws-1', active: false, changedAt: before }];
    expect(effectiveWorkspaces(['ws-1'], memberships, undefined)).toEqual([]);
  });
});
