import { parseRetentionCommand, retentionCommandMessage, type EnforceRetention } from './enforce-retention.command';

const command: EnforceRetention = {
  type: 'EnforceRetention',
  commandId: '0b7f3c9e-2a51-4a8e-9a3c-7d1e2f3a4b5c',
  dryRun: true,
  requestedAt: '2026-05-17T03:00:00Z',
  requestedBy: { kind: 'user', id: 'u-1', displayName: 'Ada' },
};

describe('EnforceRetention', () => {
  it('round-trips through its Kafka message', () => {
    const message = retentionCommandMessage(command);
    expect(message.key).toBe('retention');
    expect(parseRetentionCommand(Buffer.from(message.value))).toEqual({ ok: true, command });
  });

  it('names every problem of a bad command', () => {
    expect(parseRetentionCommand('nope')).toEqual({ ok: false, reason: 'not JSON' });
    expect(parseRetentionCommand('[1]')).toEqual({ ok: false, reason: 'not a JSON object' });
    const bad = parseRetentionCommand(
      JSON.stringify({ ...command, commandId: 'x', dryRun: 'yes', requestedBy: { kind: 'robot', id: 'r' } }),
    );
    expect(bad.ok).toBe(false);
    const reason = (bad as { reason: string }).reason;
    expect(reason).toContain('commandId: must be a UUID');
    expect(reason).toContain('dryRun: must be true or false');
    expect(reason).toContain('requestedBy.kind: must be one of user, apiKey, system');
    expect(reason).toContain('requestedBy.displayName: must be a string');
  });
});
