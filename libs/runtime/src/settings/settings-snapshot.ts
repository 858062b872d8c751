/** A service's effective non-secret settings, as recorded: variable name to text ('' when unset). */
export type SettingsSnapshot = Readonly<Record<string, string>>;

/**
 * A URL without what may be a credential: user information, query and fragment go. Text that is
 * not a URL is kept as it is.
 */
function withoutCredentials(text: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return text;
  try {
    const url = new URL(text);
    const cut = url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '';
    url.username = '';
    url.password = '';
    url.search = '';
    url.hash = '';
    return cut ? `${url.toString()} (credentials, query and fragment left out)` : url.toString();
  } catch {
    // unparseable: keep only the scheme, never what might follow it
    return `${text.slice(0, text.indexOf('://') + 3)}…`;
  }
}

function asText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map((item) => withoutCredentials(String(item))).join(',');
  return withoutCredentials(String(value));
}

/** Names that hold secrets: never recorded, even when an allow-list names one by mistake. */
const NEVER_RECORDED = /PASSWORD|SECRET|TOKEN|PRIVATE_KEY|HMAC|CREDENTIAL/i;

/** True for a variable whose name says it holds a secret (never recorded). */
export function isSecretSetting(name: string): boolean {
  return NEVER_RECORDED.test(name);
}

/** The allow-listed variables of a validated configuration, in a stable order. */
export function settingsSnapshot(config: object, allowed: readonly string[]): SettingsSnapshot {
  const values = config as Record<string, unknown>;
  const names = [...new Set(allowed)].filter((name) => !isSecretSetting(name)).sort();
  return Object.fromEntries(names.map((name) => [name, asText(values[name])]));
}
