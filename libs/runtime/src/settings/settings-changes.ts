import type { SettingsSnapshot } from './settings-snapshot';

/** One setting that differs from the last recorded: the trail's structured diff entry. */
export interface SettingChange {
  field: string;
  from: string | null;
  to: string | null;
}

/** The settings that differ between two snapshots (null: not recorded on that side), by name. */
export function diffSettings(previous: SettingsSnapshot | undefined, current: SettingsSnapshot): SettingChange[] {
  const names = [...new Set([...Object.keys(previous ?? {}), ...Object.keys(current)])].sort();
  return names
    .map((field) => ({ field, from: previous?.[field] ?? null, to: current[field] ?? null }))
    .filter((change) => change.from !== change.to);
}

/** A safeguard that is off: what is off, in words, and the variables that turned it off. */
export interface SafeguardOff {
  safeguard: 'access-logging' | 'siem-forwarding' | 'telemetry' | 'telemetry-categories';
  description: string;
}

const listOf = (text: string | undefined) => (text ? text.split(',').filter((item) => item !== '') : []);

/**
 * The safeguards a snapshot has switched off: access logging (ACCESS_LOG_ENABLED), SIEM
 * forwarding (the access-log service with no syslog receiver and no NDJSON target), telemetry
 * (the relay with no endpoint) and telemetry categories opted out. A service's snapshot holds
 * only its own variables, so only its own safeguards are judged.
 */
export function safeguardsOff(snapshot: SettingsSnapshot): SafeguardOff[] {
  const off: SafeguardOff[] = [];
  if (snapshot.ACCESS_LOG_ENABLED === 'false')
    off.push({ safeguard: 'access-logging', description: 'access logging is off (ACCESS_LOG_ENABLED=false)' });
  if ('SIEM_SYSLOG_RECEIVERS' in snapshot && !snapshot.SIEM_SYSLOG_RECEIVERS && !snapshot.SIEM_NDJSON_TARGET)
    off.push({
      safeguard: 'siem-forwarding',
      description: 'SIEM forwarding is off (neither SIEM_SYSLOG_RECEIVERS nor SIEM_NDJSON_TARGET is set)',
    });
  if ('TELEMETRY_ENDPOINT' in snapshot && !snapshot.TELEMETRY_ENDPOINT)
    off.push({
      safeguard: 'telemetry',
      description: 'telemetry to the operations center is off (no TELEMETRY_ENDPOINT)',
    });
  const optedOut = listOf(snapshot.TELEMETRY_DISABLED_CATEGORIES);
  if (optedOut.length > 0)
    off.push({
      safeguard: 'telemetry-categories',
      description: `telemetry categories opted out: ${optedOut.join(', ')} (TELEMETRY_DISABLED_CATEGORIES)`,
    });
  return off;
}

/**
 * The safeguards switched off since the last record (all that are off, when nothing was recorded
 * before); more telemetry categories opted out counts as switching off again.
 */
export function safeguardsTurnedOff(previous: SettingsSnapshot | undefined, current: SettingsSnapshot): SafeguardOff[] {
  const before = new Map((previous ? safeguardsOff(previous) : []).map((off) => [off.safeguard, off]));
  return safeguardsOff(current).filter((off) => {
    const earlier = before.get(off.safeguard);
    if (!earlier) return true;
    if (off.safeguard !== 'telemetry-categories') return false;
    const was = new Set(listOf(previous?.TELEMETRY_DISABLED_CATEGORIES));
    return listOf(current.TELEMETRY_DISABLED_CATEGORIES).some((category) => !was.has(category));
  });
}
