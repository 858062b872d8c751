import { type INestApplication, Injectable, Module, type Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { HealthModule } from './health.module';
import { HealthService } from './health.service';
import type { ComponentHealth, HealthIndicator } from './health.types';

/** What each test indicator answers next, set per test. */
const answers: Record<string, () => Promise<ComponentHealth>> = {};

function indicator(name: string): Type<HealthIndicator> {
  @Injectable()
  class TestIndicator implements HealthIndicator {
    readonly name = name;
    check(): Promise<ComponentHealth> {
      return answers[name]();
    }
  }
  return TestIndicator;
}

const Db = indicator('db');
const Kafka = indicator('kafka');
const Consumers = indicator('consumers');

@Module({ providers: [Db, Kafka, Consumers], exports: [Db, Kafka, Consumers] })
class IndicatorsModule {}

const dbUp = async (): Promise<ComponentHealth> => ({
  status: 'UP',
  details: { database: 'PostgreSQL', result: 1, validationQuery: 'SELECT 1' },
});
const kafkaUp = async (): Promise<ComponentHealth> => ({
  status: 'UP',
  details: { clusterId: 'c-1', brokers: 1, controller: 1 },
});
const consumersUp = async (): Promise<ComponentHealth> => ({ status: 'UP' });

// each component's bytes when its indicator answers as above
const DB_UP = '"db":{"status":"UP","details":{"database":"PostgreSQL","result":1,"validationQuery":"SELECT 1"}}';
const KAFKA_UP = '"kafka":{"status":"UP","details":{"clusterId":"c-1","brokers":1,"controller":1}}';
const CONSUMERS_UP = '"consumers":{"status":"UP"}';
const JSON_TYPE = 'application/json; charset=utf-8';
const unavailable = (components: string[]) => ({
  code: 503,
  type: JSON_TYPE,
  body: `{"status":"DOWN","components":{${components.join(',')}}}`,
});

/**
 * The probes' exact bytes, status codes and content type, as the Actuator-shaped endpoints have
 * always answered them: Kubernetes, the relay's health check and dashboards read these.
 */
describe('actuator health endpoints over HTTP', () => {
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    const module = await Test.createTestingModule({
      imports: [
        HealthModule.register({ timeoutMs: 200, imports: [IndicatorsModule], indicators: [Db, Kafka, Consumers] }),
      ],
    }).compile();
    app = module.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}/actuator/health`;
  });
  afterAll(() => app.close());
  beforeEach(() => {
    answers.db = dbUp;
    answers.kafka = kafkaUp;
    answers.consumers = consumersUp;
  });

  const probe = async (path = '') => {
    const res = await fetch(`${base}${path}`);
    return { code: res.status, type: res.headers.get('content-type'), body: await res.text() };
  };

  it('answers 200 with every component in order when all are UP', async () => {
    await expect(probe()).resolves.toEqual({
      code: 200,
      type: JSON_TYPE,
      body: `{"status":"UP","components":{${DB_UP},${KAFKA_UP},${CONSUMERS_UP}}}`,
    });
    await expect(probe('/readiness')).resolves.toMatchObject({ code: 200, body: (await probe()).body });
    await expect(probe('/liveness')).resolves.toEqual({ code: 200, type: JSON_TYPE, body: '{"status":"UP"}' });
  });

  it('answers 503 with the DOWN component and its details in its place, the others UP', async () => {
    answers.db = async () => ({ status: 'DOWN', details: { database: 'PostgreSQL', error: 'connection refused' } });
    const expected = unavailable([
      '"db":{"status":"DOWN","details":{"database":"PostgreSQL","error":"connection refused"}}',
      KAFKA_UP,
      CONSUMERS_UP,
    ]);
    await expect(probe()).resolves.toEqual(expected);
    await expect(probe('/readiness')).resolves.toEqual(expected);
    await expect(probe('/liveness')).resolves.toMatchObject({ code: 200, body: '{"status":"UP"}' });
  });

  it('turns an indicator that throws into DOWN with the error message', async () => {
    answers.kafka = async () => {
      throw new Error('There is no leader for this topic-partition');
    };
    await expect(probe()).resolves.toEqual(
      unavailable([
        DB_UP,
        '"kafka":{"status":"DOWN","details":{"error":"There is no leader for this topic-partition"}}',
        CONSUMERS_UP,
      ]),
    );
  });

  it('answers DOWN for an indicator that hangs, once its timeout passes, and the rest as they are', async () => {
    answers.consumers = () => new Promise<never>(() => undefined);
    await expect(probe()).resolves.toEqual(
      unavailable([
        DB_UP,
        KAFKA_UP,
        '"consumers":{"status":"DOWN","details":{"error":"consumers did not answer within 200 ms"}}',
      ]),
    );
  });

  // last: a shutdown does not end
  it('takes readiness OUT_OF_SERVICE once a shutdown begins, while health and liveness answer as before', async () => {
    app.get(HealthService).markShuttingDown();
    answers.db = () => Promise.reject(new Error('readiness must not ask the indicators during a shutdown'));
    await expect(probe('/readiness')).resolves.toEqual({
      code: 503,
      type: JSON_TYPE,
      body: '{"status":"OUT_OF_SERVICE","components":{}}',
    });
    answers.db = dbUp;
    await expect(probe('/liveness')).resolves.toMatchObject({ code: 200, body: '{"status":"UP"}' });
    await expect(probe()).resolves.toMatchObject({ code: 200, body: expect.stringMatching(/^\{"status":"UP",/) });
  });
});

@Injectable()
class WeeklyJobIndicator implements HealthIndicator {
  readonly name = 'weekly';
  readonly readiness = false;
  check(): Promise<ComponentHealth> {
    return answers.weekly();
  }
}

@Module({ providers: [Db, WeeklyJobIndicator], exports: [Db, WeeklyJobIndicator] })
class WeeklyIndicatorsModule {}

describe('a component that does not count for readiness', () => {
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    const module = await Test.createTestingModule({
      imports: [
        HealthModule.register({
          timeoutMs: 200,
          imports: [WeeklyIndicatorsModule],
          indicators: [Db, WeeklyJobIndicator],
        }),
      ],
    }).compile();
    app = module.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}/actuator/health`;
  });
  afterAll(() => app.close());

  it('makes the health DOWN while readiness stays UP, showing the same DOWN component', async () => {
    answers.db = dbUp;
    answers.weekly = async () => ({ status: 'DOWN', details: { problem: 'last run failed' } });
    const health = await fetch(base);
    expect(health.status).toBe(503);
    const readiness = await fetch(`${base}/readiness`);
    expect(readiness.status).toBe(200);
    expect(await readiness.json()).toEqual({
      status: 'UP',
      components: {
        db: { status: 'UP', details: { database: 'PostgreSQL', result: 1, validationQuery: 'SELECT 1' } },
        weekly: { status: 'DOWN', details: { problem: 'last run failed' } },
      },
    });
  });

  it('still takes readiness DOWN when a component that counts is DOWN', async () => {
    answers.db = async () => ({ status: 'DOWN', details: { error: 'connection refused' } });
    answers.weekly = async () => ({ status: 'UP' });
    expect((await fetch(`${base}/readiness`)).status).toBe(503);
  });
});
