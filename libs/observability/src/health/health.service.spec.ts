import { aggregateHealth, httpStatusFor } from './health-aggregation';
import { HealthService } from './health.service';
import type { HealthIndicator } from './health.types';

const up = (name: string): HealthIndicator => ({ name, check: async () => ({ status: 'UP', details: { ok: true } }) });

describe('aggregateHealth', () => {
  it('is UP only when every component is UP', () => {
    expect(aggregateHealth({ db: { status: 'UP' }, kafka: { status: 'UP' } }).status).toBe('UP');
    expect(aggregateHealth({ db: { status: 'UP' }, kafka: { status: 'DOWN' } }).status).toBe('DOWN');
    expect(aggregateHealth({ db: { status: 'OUT_OF_SERVICE' }, kafka: { status: 'UP' } }).status).toBe(
      'OUT_OF_SERVICE',
    );
    expect(aggregateHealth({ db: { status: 'OUT_OF_SERVICE' }, kafka: { status: 'DOWN' } }).status).toBe('DOWN');
  });

  it('maps UP to 200 and anything else to 503', () => {
    expect(httpStatusFor('UP')).toBe(200);
    expect(httpStatusFor('DOWN')).toBe(503);
    expect(httpStatusFor('OUT_OF_SERVICE')).toBe(503);
  });
});

describe('HealthService', () => {
  it('reports each component under its name', async () => {
    const service = new HealthService([up('db'), up('kafka')], { timeoutMs: 1000 });
    await expect(service.health()).resolves.toEqual({
      status: 'UP',
      components: { db: { status: 'UP', details: { ok: true } }, kafka: { status: 'UP', details: { ok: true } } },
    });
  });

  it('turns a throwing indicator into DOWN with the reason', async () => {
    const failing: HealthIndicator = {
      name: 'db',
      check: async () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:1');
      },
    };
    const result = await new HealthService([failing, up('kafka')], { timeoutMs: 1000 }).health();
    expect(result.status).toBe('DOWN');
    expect(result.components.db).toEqual({ status: 'DOWN', details: { error: 'connect ECONNREFUSED 127.0.0.1:1' } });
    expect(result.components.kafka.status).toBe('UP');
  });

  it('answers DOWN for an indicator that never settles, once its timeout passes', async () => {
    const hanging: HealthIndicator = { name: 'kafka', check: () => new Promise(() => undefined) };
    const result = await new HealthService([hanging], { timeoutMs: 50 }).health();
    expect(result.components.kafka).toEqual({
      status: 'DOWN',
      details: { error: 'kafka did not answer within 50 ms' },
    });
  });

  it('takes readiness out of service once shutdown begins, while liveness stays UP', async () => {
    const service = new HealthService([up('db')], { timeoutMs: 1000 });
    expect((await service.readiness()).status).toBe('UP');
    service.markShuttingDown();
    expect((await service.readiness()).status).toBe('OUT_OF_SERVICE');
    expect(service.liveness().status).toBe('UP');
  });
});
