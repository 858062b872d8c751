import { anyValueToString } from '@meshtrail/otlp';
import type { ServiceObservation } from './health-check';
import { problemMetrics, problemsOf } from './problems';

const AT = Date.parse('2026-12-05T12:00:00Z');
const identity = { serviceName: 'meshtrail-telemetry-relay', serviceVersion: '0.1.0', instanceId: 'i-1' };

const retentionFailed: ServiceObservation = {
  service: 'retention',
  health: {
    status: 'UP',
    components: {
      db: { status: 'UP' },
      retention: {
        status: 'DOWN',
        details: {
          error: 'cannot drop table audit_events_2023_01 because view jane_acme depends on it',
          problem: {
            type: 'retention_run_failed',
            severity: 'critical',
            since: '2026-12-05T03:00:07.000Z',
            description: 'schedule retention run 5b0e1234 failed: stores auditEvents',
          },
        },
      },
    },
  },
};

describe('problemsOf', () => {
  it("takes each component's declared problem, with its service and component, and never its error text", () => {
    expect(problemsOf([retentionFailed], AT)).toEqual([
      {
        service: 'retention',
        component: 'retention',
        type: 'retention_run_failed',
        severity: 'critical',
        sinceMillis: Date.parse('2026-12-05T03:00:07.000Z'),
        description: 'schedule retention run 5b0e1234 failed: stores auditEvents',
      },
    ]);
  });

  it('reports a DOWN component without a problem, a malformed problem and an unreachable service in fixed words', () => {
    const observations: ServiceObservation[] = [
      { service: 'gateway', health: { status: 'DOWN', components: { db: { status: 'DOWN' } } } },
      {
        service: 'access-log',
        health: {
          status: 'DOWN',
          components: {
            consumers: { status: 'DOWN', details: { problem: { type: 'Free Text!', severity: 'critical' } } },
          },
        },
      },
      { service: 'audit-ingest', error: 'connect ECONNREFUSED' },
    ];
    expect(problemsOf(observations, AT).map((p) => [p.service, p.component, p.type, p.description])).toEqual([
      ['gateway', 'db', 'component_down', 'gateway component db is DOWN'],
      ['access-log', 'consumers', 'component_down', 'access-log component consumers is DOWN'],
      ['audit-ingest', 'overall', 'service_unreachable', 'audit-ingest did not answer its health check'],
    ]);
  });

  it('reports a degraded component (UP with problems) and cuts descriptions to what the scrubber lets pass', () => {
    const burst: ServiceObservation = {
      service: 'audit-ingest',
      health: {
        status: 'UP',
        components: {
          dead_letters: {
            status: 'UP',
            details: {
              problems: [
                { type: 'dead_letter_burst', severity: 'warning', since: 'not a date', description: 'x'.repeat(300) },
              ],
            },
          },
        },
      },
    };
    const [problem] = problemsOf([burst], AT);
    expect(problem).toMatchObject({ type: 'dead_letter_burst', severity: 'warning', sinceMillis: AT });
    expect(problem.description).toHaveLength(128);
  });

  it('is nothing when every component is UP without problems', () => {
    expect(
      problemsOf([{ service: 'gateway', health: { status: 'UP', components: { db: { status: 'UP' } } } }], AT),
    ).toEqual([]);
    expect(problemMetrics(identity, [], AT)).toBeUndefined();
  });
});

describe('problemMetrics', () => {
  it('is one meshtrail.problems gauge: a point per problem, its start as the value, its facts as labels', () => {
    const request = problemMetrics(identity, problemsOf([retentionFailed], AT), AT)!;
    const metric = request.resourceMetrics[0].scopeMetrics[0].metrics[0];
    expect(metric.name).toBe('meshtrail.problems');
    const points = metric.gauge!.dataPoints.map((p) => ({
      value: p.asDouble,
      ...Object.fromEntries(p.attributes.map((kv) => [kv.key, anyValueToString(kv.value)])),
    }));
    expect(points).toEqual([
      {
        value: Date.parse('2026-12-05T03:00:07.000Z') / 1000,
        service: 'retention',
        component: 'retention',
        type: 'retention_run_failed',
        severity: 'critical',
        description: 'schedule retention run 5b0e1234 failed: stores auditEvents',
      },
    ]);
  });
});
