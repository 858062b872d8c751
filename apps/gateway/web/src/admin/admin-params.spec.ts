import { accessLogParams, apiKeyBody, transmissionParams, utcInstant } from './admin-params';

const emptyAccessForm = { from: '', to: '', status: '', method: '', pathPrefix: '', principal: '', remoteIp: '' };

describe('the admin forms as API parameters', () => {
  it('reads a typed time as UTC, to the minute or second, and passes anything else on for the API to name', () => {
    expect(utcInstant('2026-03-01T08:00')).toBe('2026-03-01T08:00:00Z');
    expect(utcInstant(' 2026-03-01T08:00:05 ')).toBe('2026-03-01T08:00:05Z');
    expect(utcInstant('2026-03-01T08:00:05.250')).toBe('2026-03-01T08:00:05.250Z');
    expect(utcInstant('')).toBeUndefined();
    expect(utcInstant('  ')).toBeUndefined();
    expect(utcInstant('yesterday')).toBe('yesterday');
  });

  it('leaves empty access-log filters out (the API defaults to the last 24 hours) and trims the rest', () => {
    expect(accessLogParams(emptyAccessForm)).toEqual({
      from: undefined,
      to: undefined,
      status: undefined,
      method: undefined,
      pathPrefix: undefined,
      principal: undefined,
      remoteIp: undefined,
    });
    expect(
      accessLogParams({
        from: '2026-03-01T08:00',
        to: '2026-03-02T08:00',
        status: ' 4xx ',
        method: 'get',
        pathPrefix: '/api/v1/events',
        principal: 'u-1',
        remoteIp: '10.0.0.1',
      }),
    ).toEqual({
      from: '2026-03-01T08:00:00Z',
      to: '2026-03-02T08:00:00Z',
      status: '4xx',
      method: 'get',
      pathPrefix: '/api/v1/events',
      principal: 'u-1',
      remoteIp: '10.0.0.1',
    });
  });

  it('filters the transmission log by category, result and time', () => {
    expect(transmissionParams({ category: ' health ', result: 'failed', from: '2026-03-01T00:00', to: '' })).toEqual({
      category: 'health',
      result: 'failed',
      from: '2026-03-01T00:00:00Z',
      to: undefined,
    });
    expect(transmissionParams({ category: '', result: '', from: '', to: '' })).toEqual({
      category: undefined,
      result: undefined,
      from: undefined,
      to: undefined,
    });
  });

  it('builds the API key body: admin or the listed workspaces, manageKeys only when asked, days as a number', () => {
    expect(
      apiKeyBody({ name: ' siem ', reads: 'all', workspaces: 'ws-1', manageKeys: false, expiresInDays: '' }),
    ).toEqual({ name: 'siem', admin: true });
    expect(
      apiKeyBody({ name: 'ci', reads: 'some', workspaces: 'ws-1, ws-2  ws-3,', manageKeys: true, expiresInDays: '30' }),
    ).toEqual({ name: 'ci', workspaces: ['ws-1', 'ws-2', 'ws-3'], manageKeys: true, expiresInDays: 30 });
    // what is not a number is sent as typed: the API answers 400 naming expiresInDays
    expect(apiKeyBody({ name: 'x', reads: 'some', workspaces: '', manageKeys: false, expiresInDays: '1.5' })).toEqual({
      name: 'x',
      workspaces: [],
      expiresInDays: '1.5',
    });
  });
});
