import type { Message } from 'kafkajs';

const OBJECT_TYPES = ['Project', 'Tenant', 'BuildingBlock', 'ProjectRole', 'OsbServiceInstance', 'LandingZone'];
const ACTIONS = ['created', 'updated', 'updated', 'updated', 'deleted'];

/** Event number i of a run, the same every time it is asked for (~500 bytes of JSON), dated `time`. */
export function benchEvent(run: string, i: number, time: Date) {
  const objectType = OBJECT_TYPES[i % OBJECT_TYPES.length];
  const workspace = objectType === 'LandingZone' ? undefined : `workspace-${i % 200}`;
  return {
    specversion: '1.0',
    id: `${run}-${i.toString(16).padStart(8, '0')}`,
    source: 'meshstack/bench',
    type: `meshstack.${objectType.toLowerCase()}.updated`,
    subject: `${objectType.toLowerCase()}-${i % 20_000}`,
    time: time.toISOString(),
    datacontenttype: 'application/json',
    data: {
      objectType,
      objectId: `${objectType.toLowerCase()}-${i % 20_000}`,
      objectName: `Project ${i % 20_000}`,
      action: ACTIONS[i % ACTIONS.length],
      ...(workspace ? { workspace } : {}),
      actor: { kind: 'user', id: `user-${i % 500}`, displayName: `Bench User ${i % 500}` },
      change: `changed the quota of ${objectType} ${i % 20_000} from ${i % 97} to ${(i % 97) + 1}`,
      changes: [{ field: 'quota', from: i % 97, to: (i % 97) + 1 }],
      sourceIp: `10.${i % 256}.${(i >> 8) % 256}.${(i >> 16) % 256}`,
      correlationId: `corr-${i}`,
    },
  };
}

export type BenchEvent = ReturnType<typeof benchEvent>;

/** An event as the publishers send it: keyed by workspace so one workspace's events stay in order. */
export function toMessage(event: BenchEvent): Message {
  return { key: event.data.workspace ?? 'global', value: JSON.stringify(event) };
}
