import 'reflect-metadata';
import { ConfigError, loadConfig } from '@meshtrail/config';
import { DATA_KINDS, DEFAULT_POLICIES, RETENTION_BOUNDS, policyProblems } from './data-kinds';
import { RetentionMonths } from './retention-months.decorator';

class PoliciesEnv {
  @RetentionMonths('auditEvents')
  RETENTION_AUDIT_EVENTS_MONTHS = RETENTION_BOUNDS.auditEvents.defaultMonths;

  @RetentionMonths('accessLogs')
  RETENTION_ACCESS_LOGS_MONTHS = RETENTION_BOUNDS.accessLogs.defaultMonths;
}

describe('retention bounds', () => {
  it('are the issue’s: audit events 12 months to 5 years, Keycloak 2–12, access logs and telemetry 1–6', () => {
    expect(
      Object.fromEntries(DATA_KINDS.map((k) => [k, [RETENTION_BOUNDS[k].minMonths, RETENTION_BOUNDS[k].maxMonths]])),
    ).toEqual({
      auditEvents: [12, 60],
      authEvents: [2, 12],
      accessLogs: [1, 6],
      telemetryTransmissions: [1, 6],
    });
  });

  it('hold every default', () => {
    expect(policyProblems(DEFAULT_POLICIES)).toEqual([]);
  });

  it('name the kind, the bounds and the value of every policy outside them', () => {
    expect(policyProblems({ auditEvents: 6, authEvents: 13, accessLogs: 1.5, telemetryTransmissions: 6 })).toEqual([
      'audit events must be kept from 12 months (minimum) to 60 months (maximum), in whole months (given: 6)',
      'Keycloak authentication and admin events must be kept from 2 months (minimum) to 12 months (maximum), in whole months (given: 13)',
      'API access logs must be kept from 1 month (minimum) to 6 months (maximum), in whole months (given: 1.5)',
    ]);
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
