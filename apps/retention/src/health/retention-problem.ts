import type { HealthProblem } from '@meshtrail/observability';
import type { RetentionRun } from '@meshtrail/retention';

/**
 * The problem a failed real run leaves until a later real run succeeds: data past its time may
 * still be stored. Names the run and the kinds of data that failed, never the error text (a
 * PostgreSQL message can quote a value); the error stays in the component's details.
 */
export function retentionProblem(lastRealRun: RetentionRun | undefined): HealthProblem | undefined {
  if (!lastRealRun || lastRealRun.status === 'succeeded') return undefined;
  const failedKinds = lastRealRun.outcomes.filter((outcome) => outcome.error).map((outcome) => outcome.kind);
  const what = failedKinds.length > 0 ? `stores ${failedKinds.join(', ')}` : 'the run itself';
  return {
    type: 'retention_run_failed',
    severity: 'critical',
    since: lastRealRun.finishedAt.toISOString(),
    description: `${lastRealRun.trigger} retention run ${lastRealRun.runId.slice(0, 8)} failed: ${what}`,
  };
}
