import type { ConsumedRecord } from '@meshtrail/kafka';
import { refusals } from './access-log-store.consumer';

const record: ConsumedRecord = {
  topic: 'access-logs.v1',
  partition: 0,
  offset: '9',
  key: Buffer.from('gateway'),
  value: Buffer.from('whole value'),
  headers: {},
  timestamp: '1763900000000',
  size: 18,
};

describe('refusals', () => {
  it('makes one dead letter per reason, carrying the refused lines alone and naming each', () => {
    const letters = refusals(record, [
      { index: 0, line: '{"a', reason: 'ACCESS_LOG.NOT_JSON: not JSON' },
      { index: 2, line: '{"b":1}', reason: 'ACCESS_LOG.INVALID: status must be an integer from 100 to 599' },
      { index: 3, line: '{"c', reason: 'ACCESS_LOG.NOT_JSON: not JSON' },
    ]);
    expect(letters.map(({ reason, message, record: r }) => ({ reason, message, value: r.value!.toString() }))).toEqual([
      { reason: 'ACCESS_LOG.NOT_JSON', message: 'line 0: not JSON; line 3: not JSON', value: '{"a\n{"c' },
      {
        reason: 'ACCESS_LOG.INVALID',
        message: 'line 2: status must be an integer from 100 to 599',
        value: '{"b":1}',
      },
    ]);
    expect(letters[0].record).toMatchObject({ topic: 'access-logs.v1', offset: '9', size: 7 + 7 });
  });
});
