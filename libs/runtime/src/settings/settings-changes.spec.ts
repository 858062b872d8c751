import { diffSettings, safeguardsOff, safeguardsTurnedOff } from './settings-changes';
import { settingsSnapshot } from './settings-snapshot';

describe('settingsSnapshot', () => {
  it('keeps only allow-listed variables, in order, and never a URL credential or query', () => {
    const snapshot = settingsSnapshot(
      {
        LOG_LEVEL: 'info',
        DATABASE_URL: 'postgres://meshtrail:s3cret@db:5432/meshtrail?sslmode=require',
        KAFKA_SASL_PASSWORD: 'hunter2',
        KAFKA_BROKERS: ['a:9092', 'b:9092'],
        TELEMETRY_ENDPOINT: undefined,
        SIEM_NDJSON_TARGET: 'https://siem.example/ingest?token=abc',
      },
      // a secret named by mistake is still left out
      [
        'LOG_LEVEL',
        'DATABASE_URL',
        'KAFKA_BROKERS',
        'TELEMETRY_ENDPOINT',
        'SIEM_NDJSON_TARGET',
        'LOG_LEVEL',
        'KAFKA_SASL_PASSWORD',
      ],
    );
    expect(Object.keys(snapshot)).toEqual([
      'DATABASE_URL',
      'KAFKA_BROKERS',
      'LOG_LEVEL',
      'SIEM_NDJSON_TARGET',
      'TELEMETRY_ENDPOINT',
    ]);
    expect(snapshot.KAFKA_BROKERS).toBe('a:9092,b:9092');
    expect(snapshot.TELEMETRY_ENDPOINT).toBe('');
    const text = JSON.stringify(snapshot);
    for (const secret of ['s3cret', 'hunter2', 'token=abc', 'sslmode']) expect(text).not.toContain(secret);
    expect(snapshot.DATABASE_URL).toContain('postgres://db:5432/meshtrail');
  });
});

describe('the settings diff and the safeguards', () => {
  const before = { ACCESS_LOG_ENABLED: 'true', RETENTION_AUDIT_EVENTS_MONTHS: '24', LOG_LEVEL: 'info' };

  it('given the last record, names each setting that differs, with both values', () => {
    const after = { ACCESS_LOG_ENABLED: 'false', RETENTION_AUDIT_EVENTS_MONTHS: '12', LOG_LEVEL: 'info', NEW: 'x' };
    expect(diffSettings(before, after)).toEqual([
      { field: 'ACCESS_LOG_ENABLED', from: 'true', to: 'false' },
      { field: 'NEW', from: null, to: 'x' },
      { field: 'RETENTION_AUDIT_EVENTS_MONTHS', from: '24', to: '12' },
    ]);
    expect(diffSettings(before, before)).toEqual([]);
    expect(diffSettings(undefined, { A: '1' })).toEqual([{ field: 'A', from: null, to: '1' }]);
  });

  it('tells access logging, SIEM forwarding and telemetry switched off, and categories opted out', () => {
    expect(safeguardsTurnedOff(before, { ...before, ACCESS_LOG_ENABLED: 'false' }).map((s) => s.safeguard)).toEqual([
      'access-logging',
    ]);
    const siem = { SIEM_SYSLOG_RECEIVERS: 'siem:6514', SIEM_NDJSON_TARGET: '' };
    expect(safeguardsTurnedOff(siem, { ...siem, SIEM_SYSLOG_RECEIVERS: '' }).map((s) => s.safeguard)).toEqual([
      'siem-forwarding',
    ]);
    const relay = { TELEMETRY_ENDPOINT: 'https://ops.example', TELEMETRY_DISABLED_CATEGORIES: 'usage' };
    expect(safeguardsTurnedOff(relay, { ...relay, TELEMETRY_ENDPOINT: '' }).map((s) => s.safeguard)).toEqual([
      'telemetry',
    ]);
    expect(
      safeguardsTurnedOff(relay, { ...relay, TELEMETRY_DISABLED_CATEGORIES: 'usage,health' }).map((s) => s.safeguard),
    ).toEqual(['telemetry-categories']);
    // already off, still off: nothing turned off now, but still off
    expect(safeguardsTurnedOff(relay, relay)).toEqual([]);
    expect(safeguardsOff(relay).map((s) => s.safeguard)).toEqual(['telemetry-categories']);
    // nothing recorded before: whatever is off counts
    expect(safeguardsTurnedOff(undefined, { ACCESS_LOG_ENABLED: 'false' })).toHaveLength(1);
    // another service's snapshot has no SIEM or telemetry variables: not judged
    expect(safeguardsOff({ ACCESS_LOG_ENABLED: 'true' })).toEqual([]);
  });
});
