import { actorName, formatBytes, formatRate, keyScope, keyState, storeLabel } from './admin-format';

describe('words and figures of the admin pages', () => {
  it('names actors by name and id, or id alone', () => {
    expect(actorName({ kind: 'user', id: 'u-1', name: 'Olivia' })).toBe('Olivia (u-1)');
    expect(actorName({ kind: 'apiKey', id: 'k1', name: 'k1' })).toBe('k1');
    expect(actorName(undefined)).toBe('—');
  });

  it('shows error rates as percentages and sizes in binary units', () => {
    expect(formatRate(0)).toBe('0 %');
    expect(formatRate(0.125)).toBe('12.5 %');
    expect(formatRate(1)).toBe('100 %');
    expect(formatRate(1 / 3)).toBe('33.3 %');
    expect(formatRate(Number.NaN)).toBe('0 %');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5 MiB');
  });

  it('says what a key may do', () => {
    expect(keyScope({ admin: true, workspaces: [], manageKeys: false })).toBe('Reads every workspace');
    expect(keyScope({ admin: false, workspaces: ['ws-1', 'ws-2'], manageKeys: true })).toBe(
      'Reads ws-1, ws-2; manages keys',
    );
    expect(keyScope({ admin: false, workspaces: [], manageKeys: true })).toBe('Reads nothing; manages keys');
  });

  it('tells revoked and expired keys from active ones', () => {
    const now = new Date('2026-03-01T00:00:00Z');
    expect(keyState({ revokedAt: null, expiresAt: '2026-04-01T00:00:00Z' }, now)).toBe('active');
    expect(keyState({ revokedAt: null, expiresAt: '2026-03-01T00:00:00Z' }, now)).toBe('expired');
    expect(keyState({ revokedAt: '2026-02-01T00:00:00Z', expiresAt: '2026-04-01T00:00:00Z' }, now)).toBe('revoked');
  });

  it('names the stores for people, and unknown ones by their kind', () => {
    expect(storeLabel('accessLogs')).toBe('Access logs');
    expect(storeLabel('deadLetters')).toBe('Dead letters');
    expect(storeLabel('somethingNew')).toBe('somethingNew');
  });
});
