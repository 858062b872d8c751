import { createNestLogger } from './nest-logger';
import { configureLogging } from './root-logger';

describe("Nest's own lines", () => {
  const lines: Array<Record<string, unknown>> = [];
  beforeAll(() =>
    configureLogging({
      service: 'gateway',
      level: 'INFO',
      format: 'json',
      write: (line) => lines.push(JSON.parse(line)),
    }),
  );
  afterAll(() => configureLogging({ service: 'test', level: 'ERROR', format: 'json' }));

  it("name Nest's context as the logger, keep start-up chatter at DEBUG and errors as data", () => {
    const nest = createNestLogger();
    nest.log('AppModule dependencies initialized', 'InstanceLoader');
    nest.log('Nest application successfully started', 'NestApplication');
    nest.error('kaput', 'Error: kaput\n    at handler (app.js:1:1)', 'ExceptionsHandler');
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'INFO',
        service: 'gateway',
        logger: 'NestApplication',
        message: 'Nest application successfully started',
      }),
      expect.objectContaining({
        level: 'ERROR',
        logger: 'ExceptionsHandler',
        message: 'kaput',
        error: { name: 'Error', message: 'kaput', stack: 'Error: kaput\n    at handler (app.js:1:1)' },
      }),
    ]);
  });
});
