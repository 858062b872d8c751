import { AppLogger } from './app-logger';
import { configureLogging } from './root-logger';
import { formatText } from './text-line';

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function capture(format: 'json' | 'text', level: 'INFO' | 'WARN' = 'INFO'): string[] {
  const lines: string[] = [];
  configureLogging({ service: 'audit-ingest', level, format, write: (line) => lines.push(line) });
  return lines;
}

afterEach(() => configureLogging({ service: 'test', level: 'ERROR', format: 'json' }));

describe('the JSON format', () => {
  it('writes one JSON object per line with the header keys and the fields', () => {
    const lines = capture('json');
    new AppLogger('IngestConsumer').info('Events Ingested', { topic: 'audit.events.v1', count: 500, deadLetters: 2 });
    expect(lines).toHaveLength(1);
    expect(lines[0].endsWith('\n')).toBe(true);
    expect(lines[0].slice(0, -1)).not.toContain('\n');
    const record = JSON.parse(lines[0]) as Record<string, unknown>;
    expect(record).toEqual({
      level: 'INFO',
      timestamp: expect.stringMatching(ISO_UTC),
      service: 'audit-ingest',
      pid: process.pid,
      logger: 'IngestConsumer',
      topic: 'audit.events.v1',
      count: 500,
      deadLetters: 2,
      message: 'Events Ingested',
    });
    // pino's order: level and time, the bindings, the fields, the message
    expect(Object.keys(record)).toEqual([
      'level',
      'timestamp',
      'service',
      'pid',
      'logger',
      'topic',
      'count',
      'deadLetters',
      'message',
    ]);
  });

  it('keeps errors as data and never lets a field overwrite a header key', () => {
    const lines = capture('json');
    new AppLogger('IngestConsumer').error('Events Ingested', {
      error: new TypeError('boom'),
      level: 'FAKE',
      message: 'forged',
      logger: 'Other',
      pid: 0,
    });
    const parsed = JSON.parse(lines[0]) as Record<string, unknown>;
    expect(parsed).toMatchObject({
      level: 'ERROR',
      message: 'Events Ingested',
      logger: 'IngestConsumer',
      pid: process.pid,
      field_level: 'FAKE',
      field_message: 'forged',
      field_logger: 'Other',
      field_pid: 0,
    });
    expect(parsed.error).toEqual({
      name: 'TypeError',
      message: 'boom',
      stack: expect.stringContaining('TypeError: boom'),
    });
  });

  it('writes nothing below the configured level', () => {
    const lines = capture('json', 'WARN');
    const logger = new AppLogger('Quiet');
    logger.info('Not Written');
    logger.warn('Written');
    expect(logger.isEnabled('INFO')).toBe(false);
    expect(lines.map((line) => (JSON.parse(line) as { message: string }).message)).toEqual(['Written']);
  });

  it('never writes the values of fields named like secrets', () => {
    const lines = capture('json');
    new AppLogger('Auth').info('Request Refused', {
      token: 'eyJ-secret',
      authorization: 'Bearer eyJ-secret',
      reason: 'expired',
    });
    expect(lines[0]).not.toContain('eyJ-secret');
    expect(JSON.parse(lines[0])).toMatchObject({ token: '[Redacted]', authorization: '[Redacted]', reason: 'expired' });
  });
});

describe('the text format', () => {
  const record = {
    level: 'INFO',
    timestamp: '2026-03-04T05:06:07.089Z',
    service: 'audit-ingest',
    pid: 4242,
    logger: 'IngestConsumer',
    topic: 'audit.events.v1',
    count: 500,
    deadLetters: 2,
    message: 'Events Ingested',
  };

  it('writes the platform service line in UTC', () => {
    expect(formatText(record)).toBe(
      '2026-03-04T05:06:07.089Z  INFO 4242 --- [main] IngestConsumer : Events Ingested topic=audit.events.v1 count=500 deadLetters=2\n',
    );
  });

  it('keeps a record on one line whatever the message holds', () => {
    const line = formatText({ ...record, message: 'first\nsecond', note: 'a b\r\nc' });
    expect(line.split('\n')).toHaveLength(2);
    expect(line).toContain('first\\nsecond');
  });

  it('is what a logger writes with LOG_FORMAT=text', () => {
    const lines = capture('text');
    new AppLogger('IngestConsumer').info('Events Ingested', { topic: 'audit.events.v1', note: 'two words' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z  INFO ${process.pid} --- \\[main\\] IngestConsumer : Events Ingested topic=audit.events.v1 note="two words"\\n$`,
      ),
    );
  });
});
