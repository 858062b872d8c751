import type { QueryParams } from '../api/http';

/**
 * The admin pages' forms as API parameters. Times are typed in UTC (the trail's one zone) in
 * datetime-local fields ("2026-03-01T08:00"); empty fields are left out, so the API's defaults hold.
 */

/** "2026-03-01T08:00" (UTC, as typed) as an ISO instant; '' stays undefined; anything else is passed on for the API to name. */
export function utcInstant(typed: string): string | undefined {
  const text = typed.trim();
  if (text === '') return undefined;
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2}(\.\d{1,3})?)?$/.exec(text);
  if (!match) return text;
  return `${match[1]}T${match[2]}${match[3] ?? ':00'}Z`;
}

/** The access-log search's filters, as the form holds them. */
export interface AccessLogForm {
  from: string;
  to: string;
  status: string;
  method: string;
  pathPrefix: string;
  principal: string;
  remoteIp: string;
}

export const ACCESS_LOG_FIELDS: ReadonlyArray<{ name: keyof AccessLogForm; label: string; hint: string }> = [
  {
    name: 'from',
    label: 'From (UTC)',
    hint: 'Requests at or after this time; the last 24 hours when both times are empty.',
  },
  { name: 'to', label: 'To (UTC)', hint: 'Requests before this time; now when empty.' },
  { name: 'status', label: 'Status', hint: 'A status such as 404, or a class such as 4xx.' },
  { name: 'method', label: 'Method', hint: 'An HTTP method such as GET.' },
  { name: 'pathPrefix', label: 'Path starts with', hint: 'A path prefix such as /api/v1/events.' },
  { name: 'principal', label: 'Principal', hint: 'Who called: a user id or an API key id, exactly.' },
  { name: 'remoteIp', label: 'Remote address', hint: 'The caller’s IPv4 or IPv6 address, exactly.' },
];

function trimmed(value: string): string | undefined {
  const text = value.trim();
  return text === '' ? undefined : text;
}

/** The search's parameters (also the export's and the stats'), without paging. */
export function accessLogParams(form: AccessLogForm): QueryParams {
  return {
    from: utcInstant(form.from),
    to: utcInstant(form.to),
    status: trimmed(form.status),
    method: trimmed(form.method),
    pathPrefix: trimmed(form.pathPrefix),
    principal: trimmed(form.principal),
    remoteIp: trimmed(form.remoteIp),
  };
}

/** The transmission log's filters, as the form holds them. */
export interface TransmissionForm {
  category: string;
  result: string;
  from: string;
  to: string;
}

export const TRANSMISSION_RESULTS = ['delivered', 'rejected', 'failed', 'dropped'] as const;

export function transmissionParams(form: TransmissionForm): QueryParams {
  return {
    category: trimmed(form.category),
    result: trimmed(form.result),
    from: utcInstant(form.from),
    to: utcInstant(form.to),
  };
}

/** The body of POST /api/v1/api-keys from the creation form. */
export interface ApiKeyForm {
  name: string;
  /** 'all': reads every workspace (admin); 'some': the workspaces listed. */
  reads: 'all' | 'some';
  workspaces: string;
  manageKeys: boolean;
  expiresInDays: string;
}

export function apiKeyBody(form: ApiKeyForm): Record<string, unknown> {
  const body: Record<string, unknown> = { name: form.name.trim() };
  if (form.reads === 'all') body.admin = true;
  else body.workspaces = form.workspaces.split(/[\s,]+/).filter(Boolean);
  if (form.manageKeys) body.manageKeys = true;
  const days = form.expiresInDays.trim();
  // a number when it is one, else the text as typed: the API names what is wrong with it
  if (days !== '') body.expiresInDays = /^\d{1,6}$/.test(days) ? Number(days) : days;
  return body;
}
