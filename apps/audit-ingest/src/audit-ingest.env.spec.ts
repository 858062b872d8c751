import { ConfigError, loadConfig } from '@meshtrail/config';
import { AuditIngestEnv, eventTimeWindow } from './audit-ingest.env';
import { expectRecordedSettings } from '../../../test/support/recorded-settings';

const problems = (env: Record<string, string>): string[] => {
  try {
    loadConfig('audit-ingest', AuditIngestEnv, env);
  } catch (error) {
    if (error instanceof ConfigError)
      return error.problems.flatMap((p) => p.problems.map((text) => `${p.variable}: ${text}`));
    throw error;
  }
  return [];
};

describe('AUDIT_OLDEST_EVENT_TIME', () => {
  it('defaults to 2000-01-01, and makes the window the validators judge times by', () => {
    const config = loadConfig('audit-ingest', AuditIngestEnv, {});
    expect(config.AUDIT_OLDEST_EVENT_TIME).toBe('2000-01-01T00:00:00Z');
    const now = new Date('2026-11-23T12:00:00Z');
    expect(eventTimeWindow(config, now)).toEqual({
      now,
      oldest: new Date('2000-01-01T00:00:00Z'),
      maxFutureSkewMs: 300_000,
    });
    const older = loadConfig('audit-ingest', AuditIngestEnv, { AUDIT_OLDEST_EVENT_TIME: '1990-06-01T00:00:00+02:00' });
    expect(eventTimeWindow(older, now).oldest).toEqual(new Date('1990-05-31T22:00:00Z'));
  });

  it.each(['yesterday', '2026-02-30T00:00:00Z', '2000-01-01', '0000-01-01T00:00:00Z', '2999-01-01T00:00:00Z'])(
    'refuses %s at start',
    (value) => {
      expect(problems({ AUDIT_OLDEST_EVENT_TIME: value })).toEqual([
        'AUDIT_OLDEST_EVENT_TIME: must be an RFC 3339 timestamp with a zone, such as 2000-01-01T00:00:00Z, between 0001-01-01 and now',
      ]);
    },
  );
});

describe("AuditIngestEnv.recordedSettings (the settings audit's allow-list)", () => {
  it('lists only variables of the class, never a secret', () => {
    expectRecordedSettings(AuditIngestEnv, {
      present: ['AUDIT_SEAL_INTERVAL_SECONDS', 'AUDIT_SEAL_KEY_ID'],
      secrets: ['AUDIT_SEAL_PRIVATE_KEY', 'KAFKA_SASL_PASSWORD'],
    });
  });
});
