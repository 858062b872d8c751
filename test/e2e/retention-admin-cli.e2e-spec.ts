import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { TOPICS, type AuditCloudEvent } from '@meshtrail/contracts';
import { ServiceProcess } from '../support/service-process';
import { ensureMonths, insertAuditEvent } from '../support/store-rows';
import { createTestStack, type TestStack } from '../support/test-stack';
import { TopicReader } from '../support/topic-reader';

const CLI = path.resolve(__dirname, '../../dist/apps/admin-cli/src/main.js');

describe('admin-cli legal-hold and enforce-retention (processes, real broker and database)', () => {
  let stack: TestStack;
  let reader: TopicReader;

  beforeAll(async () => {
    stack = await createTestStack('retentioncli');
    reader = await TopicReader.start(stack.topic(TOPICS.auditEvents), stack.brokers);
  });
  afterAll(async () => {
    await reader.stop();
    await stack.teardown();
  });

  async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args], {
        env: { PATH: process.env.PATH ?? '', ...stack.env, LOG_LEVEL: 'warn' },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  }

  it('places a hold that a real run respects, releases it, and publishes both as audit events', async () => {
    const old = new Date(Date.now() - 3 * 365 * 86_400_000);
    await ensureMonths(stack, 'audit_events', `${old.toISOString().slice(0, 7)}-01`, 1);
    await insertAuditEvent(stack, { id: 'held-old', occurredAt: old, workspace: 'ws-held' });
    await insertAuditEvent(stack, { id: 'free-old', occurredAt: old, workspace: 'ws-free' });

    const placed = await cli('legal-hold', 'place', '--workspace', 'ws-held', '--reason', 'case 42', '--by', 'ops-ada');
    expect(placed).toMatchObject({ code: 0 });
    expect(JSON.parse(placed.stdout)).toEqual([
      expect.objectContaining({
        workspace: 'ws-held',
        reason: 'case 42',
        placedBy: { kind: 'user', id: 'ops-ada', name: 'ops-ada' },
      }),
    ]);
    const listed = JSON.parse((await cli('legal-hold', 'list')).stdout) as Array<{ workspace: string }>;
    expect(listed.map((hold) => hold.workspace)).toEqual(['ws-held']);

    // a real run, asked for from the CLI, keeps the held workspace's rows
    const retention = await ServiceProcess.start('retention', stack.env);
    try {
      const enforced = await cli('enforce-retention', '--by', 'ops-ada', '--timeout', '120');
      expect(enforced.code).toBe(0);
      const result = JSON.parse(enforced.stdout) as { dryRun: boolean; run: { status: string; requestedBy: unknown } };
      expect(result).toMatchObject({ dryRun: false, run: { status: 'succeeded', requestedBy: { id: 'ops-ada' } } });
    } finally {
      await retention.stop();
    }
    expect((await stack.query(`SELECT id FROM audit_events ORDER BY id`)).map((row) => row.id)).toEqual(['held-old']);

    const released = await cli(
      'legal-hold',
      'release',
      '--workspace',
      'ws-held',
      '--reason',
      'closed',
      '--by',
      'ops-ada',
    );
    expect(released.code).toBe(0);
    expect(JSON.parse((await cli('legal-hold', 'list')).stdout)).toEqual([]);
    const events = await reader.waitForValues<AuditCloudEvent>(
      'the hold events',
      (event) => event.data.objectType === 'LegalHold',
      2,
    );
    expect(events.map((event) => event.type)).toEqual(['meshtrail.legalhold.placed', 'meshtrail.legalhold.released']);
    expect(events[0].source).toBe('meshtrail/admin-cli');
  });

  it('refuses what it cannot do with a message and exit status 2', async () => {
    const unheld = await cli('legal-hold', 'release', '--workspace', 'ws-none', '--reason', 'x', '--by', 'ops');
    expect(unheld).toMatchObject({ code: 2 });
    expect(unheld.stderr).toContain('workspace ws-none is not under legal hold');
    const missing = await cli('legal-hold', 'place', '--workspace', 'ws-1');
    expect(missing).toMatchObject({ code: 2 });
    expect(missing.stderr).toContain('missing --reason, --by');
    const unknown = await cli('enforce-retention', '--by', 'ops', '--now');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--now'");
    expect(await stack.query(`SELECT id FROM legal_holds WHERE workspace = 'ws-1'`)).toEqual([]);
  });
});
