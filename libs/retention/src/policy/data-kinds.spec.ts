import 'reflect-metadata';
import { ConfigError, loadConfig } from '@meshtrail/config';
import { DATA_KINDS, RETENTION_BOUNDS, isWithinBounds } from './data-kinds';
import { RetentionMonths } from './retention-months.decorator';

class PoliciesEnv {
  @RetentionMonths('auditEvents')
  RETENTION_AUDIT_EVENTS_MONTHS = RETENTION_BOUNDS.auditEvents.defaultMonths;

  @RetentionMonths('accessLogs')
  RETENTION_ACCESS_LOGS_MONTHS = RETENTION_BOUNDS.accessLogs.defaultMonths;
}

describe('retention bounds', () => {
  it('are the issue’s: audit events 12 months to 5 years, Keycloak 2–12, access logs, telemetry and dead letters 1–6', () => {
    expect(
      Object.fromEntries(DATA_KINDS.map((k) => [k, [RETENTION_BOUNDS[k].minMonths, RETENTION_BOUNDS[k].maxMonths]])),
    ).toEqual({
      auditEvents: [12, 60],
      authEvents: [2, 12],
      accessLogs: [1, 6],
      telemetryTransmissions: [1, 6],
      deadLetters: [1, 6],
    });
  });

  it('hold every default, and refuse what is outside or not a whole number of months', () => {
    for (const kind of DATA_KINDS) {
      const { minMonths, maxMonths, defaultMonths } = RETENTION_BOUNDS[kind];
      expect({ kind, ok: isWithinBounds(kind, defaultMonths) }).toEqual({ kind, ok: true });
      expect(isWithinBounds(kind, minMonths - 1)).toBe(false);
      expect(isWithinBounds(kind, maxMonths + 1)).toBe(false);
    }
    expect(isWithinBounds('accessLogs', 1.5)).toBe(false);
    expect(isWithinBounds('accessLogs', '3')).toBe(false);
  });
});

describe('@RetentionMonths', () => {
  it('accepts the bounds themselves', () => {
    const config = loadConfig('retention', PoliciesEnv, {
      RETENTION_AUDIT_EVENTS_MONTHS: '60',
      RETENTION_ACCESS_LOGS_MONTHS: '1',
    });
    expect(config).toMatchObject({ RETENTION_AUDIT_EVENTS_MONTHS: 60, RETENTION_ACCESS_LOGS_MONTHS: 1 });
  });

  it('stops the configuration naming the variable, the kind, the bounds and the value', () => {
    let error: unknown;
    try {
      loadConfig('retention', PoliciesEnv, {
        RETENTION_AUDIT_EVENTS_MONTHS: '61',
        RETENTION_ACCESS_LOGS_MONTHS: 'six',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain(
      'RETENTION_AUDIT_EVENTS_MONTHS: audit events must be kept from 12 months (minimum) to 60 months (maximum), in whole months (given: "61")',
    );
    expect(message).toContain('RETENTION_ACCESS_LOGS_MONTHS: API access logs must be kept from 1 month');
    expect(message).toContain('(given: "six")');
  });
});
