import { EVENT_FAILURES } from './failure';
import { grantAuthorityFailure } from './grant-authority';

describe('grantAuthorityFailure', () => {
  it('takes WorkspaceAccess events from the grants topic', () => {
    expect(grantAuthorityFailure({ objectType: 'WorkspaceAccess', action: 'granted' }, true)).toBeUndefined();
    expect(grantAuthorityFailure({ objectType: 'WorkspaceAccess', action: 'revoked' }, true)).toBeUndefined();
  });

  it('refuses WorkspaceAccess events from any other topic, naming the grants topic', () => {
    for (const action of ['granted', 'revoked', 'updated'] as const) {
      const refused = grantAuthorityFailure({ objectType: 'WorkspaceAccess', action }, false);
      expect(refused).toMatchObject({ ok: false, code: EVENT_FAILURES.GRANT_NOT_FROM_AUTHORITY });
      expect(refused?.message).toContain('access.grants.v1');
    }
  });

  it('refuses other events on the grants topic and takes them on the general topic', () => {
    expect(grantAuthorityFailure({ objectType: 'Project', action: 'created' }, true)).toMatchObject({
      code: EVENT_FAILURES.GRANT_NOT_A_GRANT,
    });
    expect(grantAuthorityFailure({ objectType: 'Project', action: 'created' }, false)).toBeUndefined();
  });
});
