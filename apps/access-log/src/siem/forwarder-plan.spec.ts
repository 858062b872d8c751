import { loadConfig, ConfigError } from '@meshtrail/config';
import { AccessLogEnv } from '../access-log.env';
import { planForwarders } from './forwarder-plan';

describe('planForwarders', () => {
  it('plans nothing by default', () => {
    expect(planForwarders(loadConfig('access-log', AccessLogEnv, {}))).toEqual([]);
  });

  it('plans one forwarder, with a group of its own, per destination and stream', () => {
    const config = loadConfig('access-log', AccessLogEnv, {
      SIEM_SYSLOG_RECEIVERS: 'tcp://siem-a:514, tls://[fd00::1]:6514',
      SIEM_SYSLOG_STREAMS: 'access-logs,audit-events',
      SIEM_NDJSON_TARGET: 'file:///var/log/meshtrail/siem.ndjson',
    });
    expect(planForwarders(config)).toEqual([
      {
        kind: 'syslog',
        receiver: { url: 'tcp://siem-a:514', host: 'siem-a', port: 514, tls: false },
        stream: 'access-logs',
        group: 'access-log.siem.syslog.siem-a-514.access-logs',
      },
      {
        kind: 'syslog',
        receiver: { url: 'tcp://siem-a:514', host: 'siem-a', port: 514, tls: false },
        stream: 'audit-events',
        group: 'access-log.siem.syslog.siem-a-514.audit-events',
      },
      {
        kind: 'syslog',
        receiver: { url: 'tls://[fd00::1]:6514', host: 'fd00::1', port: 6514, tls: true },
        stream: 'access-logs',
        group: 'access-log.siem.syslog.fd00_1-6514.access-logs',
      },
      {
        kind: 'syslog',
        receiver: { url: 'tls://[fd00::1]:6514', host: 'fd00::1', port: 6514, tls: true },
        stream: 'audit-events',
        group: 'access-log.siem.syslog.fd00_1-6514.audit-events',
      },
      {
        kind: 'ndjson-file',
        path: '/var/log/meshtrail/siem.ndjson',
        stream: 'access-logs',
        group: 'access-log.siem.ndjson.access-logs',
      },
    ]);
  });

  it('posts to an http(s) NDJSON target', () => {
    const config = loadConfig('access-log', AccessLogEnv, {
      SIEM_NDJSON_TARGET: 'https://splunk.example.com:8088/services/collector/raw',
      SIEM_NDJSON_STREAMS: 'audit-events',
    });
    expect(planForwarders(config)).toEqual([
      {
        kind: 'ndjson-http',
        url: 'https://splunk.example.com:8088/services/collector/raw',
        stream: 'audit-events',
        group: 'access-log.siem.ndjson.audit-events',
      },
    ]);
  });
});

describe('AccessLogEnv', () => {
  it('names every bad SIEM variable at once and never echoes the HEC token', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig('access-log', AccessLogEnv, {
        SIEM_SYSLOG_RECEIVERS: 'udp://siem:514',
        SIEM_SYSLOG_STREAMS: 'access-logs,metrics',
        SIEM_SYSLOG_FACILITY: '24',
        SIEM_CA_FILE: '/nonexistent/ca.pem',
        SIEM_NDJSON_TARGET: 'ftp://x',
        SIEM_NDJSON_HTTP_TOKEN: 'Splunk s3cr3t',
        SIEM_FORWARD_FROM: 'yesterday',
        ACCESS_LOG_TRUSTED_PROXIES: 'lb.local',
        ACCESS_LOG_BUFFER_SIZE: '10',
      });
    } catch (caught) {
      error = caught as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.problems.map((p) => p.variable).sort()).toEqual([
      'ACCESS_LOG_BUFFER_SIZE',
      'ACCESS_LOG_TRUSTED_PROXIES',
      'SIEM_CA_FILE',
      'SIEM_FORWARD_FROM',
      'SIEM_NDJSON_TARGET',
      'SIEM_SYSLOG_FACILITY',
      'SIEM_SYSLOG_RECEIVERS',
      'SIEM_SYSLOG_STREAMS',
    ]);
    expect(error!.message).toContain('SIEM_SYSLOG_RECEIVERS: each receiver must be tcp://host:port or tls://host:port');
    expect(error!.message).toContain('SIEM_SYSLOG_STREAMS: each stream must be one of access-logs, audit-events');
    expect(error!.message).toContain('SIEM_CA_FILE: must name a readable file');
    expect(error!.message).not.toContain('s3cr3t');
  });
});
