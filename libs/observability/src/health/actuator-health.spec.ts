import type { HealthCheckResult } from '@nestjs/terminus';
import { httpStatusFor, toActuatorHealth } from './actuator-health';

const dbDown = { status: 'down', details: { error: 'connect ECONNREFUSED 127.0.0.1:1' } } as const;
const kafkaUp = { status: 'up', details: { brokers: 1 } } as const;
const consumersUp = { status: 'up' } as const;

describe('toActuatorHealth', () => {
  it("lists the components in the indicators' order, whatever order terminus gives them in", () => {
    // terminus puts the indicators that are up before those that are down
    const result: HealthCheckResult = {
      status: 'error',
      info: { kafka: kafkaUp, consumers: consumersUp },
      error: { db: dbDown },
      details: { kafka: kafkaUp, consumers: consumersUp, db: dbDown },
    };
    const health = toActuatorHealth(result, ['db', 'kafka', 'consumers']);
    expect(JSON.stringify(health)).toBe(
      '{"status":"DOWN","components":{' +
        '"db":{"status":"DOWN","details":{"error":"connect ECONNREFUSED 127.0.0.1:1"}},' +
        '"kafka":{"status":"UP","details":{"brokers":1}},"consumers":{"status":"UP"}}}',
    );
  });

  it('is UP only when no component is down, also once terminus reports the app shutting down', () => {
    const details = { kafka: kafkaUp, consumers: consumersUp };
    const names = ['kafka', 'consumers'];
    expect(toActuatorHealth({ status: 'ok', info: details, error: {}, details }, names).status).toBe('UP');
    expect(toActuatorHealth({ status: 'shutting_down', info: details, error: {}, details }, names).status).toBe('UP');
    const failing = { ...details, db: dbDown };
    expect(
      toActuatorHealth({ status: 'shutting_down', info: details, error: { db: dbDown }, details: failing }, [
        'db',
        ...names,
      ]).status,
    ).toBe('DOWN');
  });
});

describe('httpStatusFor', () => {
  it('maps UP to 200 and anything else to 503', () => {
    expect(httpStatusFor('UP')).toBe(200);
    expect(httpStatusFor('DOWN')).toBe(503);
    expect(httpStatusFor('OUT_OF_SERVICE')).toBe(503);
  });
});
