import type { AuditEventInput } from '@meshtrail/contracts';
import type { SafeguardOff, SettingChange } from './settings-changes';

const MAX_CHANGE_LINE = 2000;

/**
 * The ServiceSettings event for a service whose settings differ from the last recorded (global:
 * admins only): each setting with its old and new value, and the safeguards switched off.
 * `first` when nothing was recorded before (action created).
 */
export function settingsChangedEvent(
  service: string,
  changes: readonly SettingChange[],
  turnedOff: readonly SafeguardOff[],
  first: boolean,
): AuditEventInput {
  const listed = changes.map((change) => `${change.field} ${change.from ?? '(unset)'} → ${change.to ?? '(unset)'}`);
  const line = [
    first
      ? `settings of ${service} recorded for the first time`
      : `settings of ${service} changed: ${listed.join('; ')}`,
    ...turnedOff.map((off) => `WARNING: ${off.description}`),
  ].join('; ');
  return {
    type: 'meshtrail.servicesettings.changed',
    subject: `service/${service}`,
    data: {
      objectType: 'ServiceSettings',
      objectId: service,
      objectName: `${service} settings`,
      action: first ? 'created' : 'updated',
      actor: { kind: 'system', id: service, displayName: service },
      change: line.length > MAX_CHANGE_LINE ? `${line.slice(0, MAX_CHANGE_LINE - 1)}…` : line,
      changes: [
        ...changes.map((change) => ({ field: change.field, from: change.from, to: change.to })),
        ...(turnedOff.length > 0 ? [{ field: 'safeguardsTurnedOff', to: turnedOff.map((off) => off.safeguard) }] : []),
      ],
    },
  };
}
