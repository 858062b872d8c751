import fs from 'node:fs';
import path from 'node:path';
import {
  ACCESS_LOG_MAX_FUTURE_SKEW_MS,
  ACCESS_LOG_TEXT_LIMITS,
  AUDIT_EVENT_JSON_LIMITS,
  DEFAULT_OLDEST_EVENT_TIME,
  EVENT_FAILURES,
  INDEXED_TEXT_MAX_BYTES,
  MAX_ACCESS_LOG_DURATION_MS,
  MAX_AUDIT_EVENT_BYTES,
  MAX_ROLE_LENGTH,
} from '@meshtrail/contracts';
import { AuditIngestEnv } from '../../apps/audit-ingest/src/audit-ingest.env';
import { VALIDATION_TIMEOUT_MS } from '../../apps/audit-ingest/src/validation/validation-threads';
import {
  KEYCLOAK_INDEXED_FIELD_LIMITS,
  MAX_KEYCLOAK_LINE_LENGTH,
} from '../../apps/audit-ingest/src/keycloak/keycloak-line.parser';
import { ROOT, readmeTable } from './readme-table';

/** 65536 → "65,536", as the README writes numbers. */
const n = (value: number) => value.toLocaleString('en-US');

describe('the README limits table', () => {
  const rows = readmeTable('#### Limits');
  /** The value cell of the row whose limit cell contains `label`. */
  const value = (label: string) => {
    const row = rows.find(([limit]) => limit.includes(label));
    if (!row) throw new Error(`no row for ${label}`);
    return row[1];
  };

  it('gives the audit event limits the code has', () => {
    expect(value('record size')).toContain(n(MAX_AUDIT_EVENT_BYTES));
    expect(value('nesting')).toContain(`${AUDIT_EVENT_JSON_LIMITS.maxDepth} levels`);
    expect(value('any string')).toBe(`${n(AUDIT_EVENT_JSON_LIMITS.maxStringLength)} characters`);
    expect(value('any object key')).toBe(`${n(AUDIT_EVENT_JSON_LIMITS.maxKeyLength)} characters`);
    const { maxArrayItems, maxObjectKeys, maxValues } = AUDIT_EVENT_JSON_LIMITS;
    expect(value('items of one array')).toBe(`${n(maxArrayItems)}; ${n(maxObjectKeys)}; ${n(maxValues)}`);
    expect(value('together (the workspace index')).toBe(`${n(INDEXED_TEXT_MAX_BYTES)} bytes of UTF-8`);
    expect(value('the role')).toBe(`${MAX_ROLE_LENGTH} characters`);
    expect(value('not older than')).toContain(`\`${DEFAULT_OLDEST_EVENT_TIME}\``);
    expect(value('not older than')).toContain(`\`${new AuditIngestEnv().AUDIT_OLDEST_EVENT_TIME}\``);
    expect(value('not further ahead')).toContain(`(${new AuditIngestEnv().AUDIT_MAX_FUTURE_SKEW_SECONDS} s)`);
    expect(value('not further ahead')).toContain(`${ACCESS_LOG_MAX_FUTURE_SKEW_MS / 60_000} minutes for access logs`);
  });

  it('gives the Keycloak line and access-log record limits the code has', () => {
    expect(value('line length')).toBe(`${n(MAX_KEYCLOAK_LINE_LENGTH)} characters`);
    const { realmId, userId, type } = KEYCLOAK_INDEXED_FIELD_LIMITS;
    expect(realmId).toBe(userId);
    expect(value('`realmId`, `userId`')).toBe(`${realmId} characters; ${type}`);
    const a = ACCESS_LOG_TEXT_LIMITS;
    expect(a.service).toBe(a.remoteIp);
    expect(value('`service`, `remoteIp`')).toBe(`${a.service} characters; ${a.host}; ${a.method}; ${a.principal}`);
    expect(value('`path`')).toBe(`${n(a.path)} characters and ${n(INDEXED_TEXT_MAX_BYTES)} bytes of UTF-8`);
    expect([a.userAgent, a.accept, a.line]).toEqual([a.line, a.line, a.line]);
    expect(value('`userAgent`')).toBe(`${n(a.line)} characters`);
    expect(value('`status`')).toBe(`100–599; 0–${n(MAX_ACCESS_LOG_DURATION_MS)}`);
  });

  it('names every failure code, and the README lists every one among the reasons', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    for (const code of Object.values(EVENT_FAILURES))
      expect({ code, listed: readme.includes(`\`${code}\``) }).toEqual({ code, listed: true });
    const codes = new Set(rows.flatMap(([, , refusedAs]) => [...refusedAs.matchAll(/`([A-Z_.]+)`/g)].map((m) => m[1])));
    for (const code of codes) {
      expect({
        code,
        known: (Object.values(EVENT_FAILURES) as string[]).includes(code) || code === 'ACCESS_LOG.INVALID',
      }).toEqual({ code, known: true });
    }
    expect(readme).toContain(`does not answer within a minute`);
    expect(VALIDATION_TIMEOUT_MS).toBe(60_000);
  });
});
