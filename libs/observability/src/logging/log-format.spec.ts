import { formatJson, formatText } from './log-format';
import type { LogRecord } from './log-record';

const record: LogRecord = {
  timestamp: new Date('2026-03-04T05:06:07.089Z'),
  level: 'INFO',
  service: 'audit-ingest',
  logger: 'IngestConsumer',
  message: 'Events Ingested',
  fields: { topic: 'audit.events.v1', count: 500, deadLetters: 2 },
};

describe('formatJson', () => {
  it('writes one JSON object per line with the reserved keys and the fields', () => {
    const line = formatJson(record, 42);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({
      timestamp: '2026-03-04T05:06:07.089Z',
      level: 'INFO',
      service: 'audit-ingest',
      logger: 'IngestConsumer',
      message: 'Events Ingested',
      pid: 42,
      topic: 'audit.events.v1',
      count: 500,
      deadLetters: 2,
    });
  });

  it('keeps errors as data and never lets a field overwrite a reserved key', () => {
    const parsed = JSON.parse(
      formatJson({ ...record, fields: { error: new TypeError('boom'), level: 'FAKE', message: 'forged' } }, 1),
    ) as Record<string, unknown>;
    expect(parsed.level).toBe('INFO');
    expect(parsed.message).toBe('Events Ingested');
    expect(parsed.field_level).toBe('FAKE');
    expect(parsed.field_message).toBe('forged');
    expect(parsed.error).toMatchObject({ name: 'TypeError', message: 'boom' });
  });
});

describe('formatText', () => {
  it('writes the platform service line in UTC', () => {
    expect(formatText(record, 4242)).toBe(
      '2026-03-04T05:06:07.089Z  INFO 4242 --- [main] IngestConsumer : Events Ingested topic=audit.events.v1 count=500 deadLetters=2\n',
    );
  });

  it('keeps a record on one line whatever the message holds', () => {
    const line = formatText({ ...record, message: 'first\nsecond', fields: { note: 'a b\r\nc' } }, 1);
    expect(line.split('\n')).toHaveLength(2);
    expect(line).toContain('first\\nsecond');
  });
});
