import type { Principal } from '../principal';
import { DEFAULT_API_KEY_LIFETIME, decideApiKey } from './api-key-policy';

const now = new Date('2026-12-01T00:00:00Z');
const admin: Principal = { kind: 'user', id: 'u-admin', name: 'olivia', admin: true, workspaces: [], manageKeys: true };
const readAllKey: Principal = {
  kind: 'apiKey',
  id: 'k-read',
  name: 'siem',
  admin: true,
  workspaces: [],
  manageKeys: false,
};
const managerKey: Principal = {
  kind: 'apiKey',
  id: 'k-manage',
  name: 'ops',
  admin: false,
  workspaces: ['ws-1'],
  manageKeys: true,
  expiresAt: new Date('2026-12-31T00:00:00Z'),
};

describe('decideApiKey', () => {
  it('gives a key the default lifetime, or the one asked for up to the maximum', () => {
    const byDefault = decideApiKey(
      { admin: true, workspaces: [], manageKeys: false },
      admin,
      DEFAULT_API_KEY_LIFETIME,
      now,
    );
    expect(byDefault).toMatchObject({ ok: true, expiresAt: new Date('2027-03-01T00:00:00Z') });
    const asked = decideApiKey(
      { admin: false, workspaces: ['ws-1', 'ws-1'], manageKeys: false, expiresInDays: 365 },
      admin,
      DEFAULT_API_KEY_LIFETIME,
      now,
    );
    expect(asked).toMatchObject({ ok: true, scope: { admin: false, workspaces: ['ws-1'], manageKeys: false } });
    for (const expiresInDays of [366, 0, 1.5]) {
      expect(
        decideApiKey(
          { admin: true, workspaces: [], manageKeys: false, expiresInDays },
          admin,
          DEFAULT_API_KEY_LIFETIME,
          now,
        ),
      ).toMatchObject({ ok: false, status: 400, field: 'expiresInDays' });
    }
  });

  it('refuses a scope that makes no sense', () => {
    expect(
      decideApiKey({ admin: true, workspaces: ['ws-1'], manageKeys: false }, admin, DEFAULT_API_KEY_LIFETIME, now),
    ).toMatchObject({
      ok: false,
      status: 400,
      field: 'workspaces',
    });
    expect(
      decideApiKey({ admin: false, workspaces: [], manageKeys: false }, admin, DEFAULT_API_KEY_LIFETIME, now),
    ).toMatchObject({
      ok: false,
      status: 400,
    });
    // a key that only manages keys reads nothing
    expect(
      decideApiKey({ admin: false, workspaces: [], manageKeys: true }, admin, DEFAULT_API_KEY_LIFETIME, now),
    ).toMatchObject({
      ok: true,
    });
  });

  it('never lets a key mint one with more rights than itself', () => {
    const decide = (request: Parameters<typeof decideApiKey>[0], creator: Principal) =>
      decideApiKey(request, creator, DEFAULT_API_KEY_LIFETIME, now);
    expect(decide({ admin: true, workspaces: [], manageKeys: false, expiresInDays: 10 }, managerKey)).toMatchObject({
      ok: false,
      status: 403,
      field: 'admin',
    });
    expect(
      decide({ admin: false, workspaces: ['ws-1', 'ws-2'], manageKeys: false, expiresInDays: 10 }, managerKey),
    ).toMatchObject({
      ok: false,
      status: 403,
      field: 'workspaces',
    });
    expect(
      decide({ admin: false, workspaces: ['ws-1'], manageKeys: false, expiresInDays: 60 }, managerKey),
    ).toMatchObject({
      ok: false,
      status: 403,
      field: 'expiresInDays',
    });
    expect(decide({ admin: false, workspaces: ['ws-1'], manageKeys: true }, readAllKey)).toMatchObject({
      ok: false,
      status: 403,
      field: 'manageKeys',
    });
    expect(
      decide({ admin: false, workspaces: ['ws-1'], manageKeys: true, expiresInDays: 10 }, managerKey),
    ).toMatchObject({
      ok: true,
    });
  });
});
