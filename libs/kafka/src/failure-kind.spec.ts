import { classifyFailure, describeFailure, TransientError } from './failure-kind';

const pgError = (code: string, message = 'database said no', detail?: string) =>
  Object.assign(new Error(message), { code, detail, severity: 'ERROR' });

describe('classifyFailure', () => {
  it.each([
    ['connection refused', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['a broken pipe (five letters, like a SQLSTATE)', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })],
    ['a standby after a failover', pgError('25006', 'cannot execute INSERT in a read-only transaction')],
    ['a lost connection (pg says so in words only)', new Error('Connection terminated unexpectedly')],
    ['an exhausted pool', new Error('timeout exceeded when trying to connect')],
    ['a serialization conflict', pgError('40001')],
    ['a deadlock', pgError('40P01')],
    ['a statement timeout', pgError('57014', 'canceling statement due to statement timeout')],
    ['an administrator shutdown', pgError('57P01')],
    ['a full disk', pgError('53100')],
    ['too many connections', pgError('53300')],
    ['a handler that says so', new TransientError('the SIEM receiver is down')],
    [
      'a retriable broker error',
      Object.assign(new Error('leader not available'), { name: 'KafkaJSProtocolError', retriable: true }),
    ],
    ['a broker connection error', Object.assign(new Error('Connection timeout'), { name: 'KafkaJSConnectionError' })],
    [
      'a wrapped broker connection error',
      Object.assign(new Error('gave up'), {
        name: 'KafkaJSNonRetriableError',
        cause: Object.assign(new Error('connect ECONNREFUSED'), { name: 'KafkaJSConnectionError' }),
      }),
    ],
    [
      'TypeORM wrapping a pg connection error',
      Object.assign(new Error('query failed'), { driverError: pgError('08006') }),
    ],
  ])('takes %s for transient', (_, error) => {
    expect(classifyFailure(error)).toBe('transient');
  });

  it.each([
    ['a missing column', pgError('42703', 'column "x" of relation "audit_events" does not exist')],
    ['a missing table', pgError('42P01')],
    ['a missing privilege', pgError('42501', 'permission denied for table audit_events')],
    ['a failed login', pgError('28P01')],
    [
      'a missing topic',
      Object.assign(new Error('This server does not host this topic-partition'), {
        name: 'KafkaJSProtocolError',
        type: 'UNKNOWN_TOPIC_OR_PARTITION',
        retriable: true,
      }),
    ],
  ])('takes %s for systemic', (_, error) => {
    expect(classifyFailure(error)).toBe('systemic');
  });

  it.each([
    ['a check constraint', pgError('23514', 'new row violates check constraint "no_x"')],
    ['a timestamp out of range', pgError('22008', 'date/time field value out of range')],
    ['an unsupported Unicode escape', pgError('22P05', 'unsupported Unicode escape sequence')],
    ['an over-sized index row', pgError('54000', 'index row size exceeds maximum')],
    [
      'a message too large for a topic',
      Object.assign(new Error('The request included a message larger than the max message size'), {
        name: 'KafkaJSProtocolError',
        type: 'MESSAGE_TOO_LARGE',
        retriable: false,
      }),
    ],
    ['a stack overflow', new RangeError('Maximum call stack size exceeded')],
    ['a thrown string', 'nonsense'],
    ['undefined', undefined],
  ])("takes %s for the record's own", (_, error) => {
    expect(classifyFailure(error)).toBe('record');
  });
});

describe('describeFailure', () => {
  it('adds the SQLSTATE always and the detail (which may quote values) only when asked', () => {
    const error = pgError('23514', 'new row violates check constraint "no_x"', 'Failing row contains (secret).');
    expect(describeFailure(error)).toBe('new row violates check constraint "no_x" (SQLSTATE 23514)');
    expect(describeFailure(error, { detail: true })).toBe(
      'new row violates check constraint "no_x" (SQLSTATE 23514) detail: Failing row contains (secret).',
    );
  });
});
