import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments, parse } from 'yaml';
import { AccessLogEnv } from '../../apps/access-log/src/access-log.env';
import { AuditIngestEnv } from '../../apps/audit-ingest/src/audit-ingest.env';
import { GatewayEnv } from '../../apps/gateway/src/gateway.env';
import { RetentionEnv } from '../../apps/retention/src/retention.env';
import { TelemetryRelayEnv } from '../../apps/telemetry-relay/src/telemetry-relay.env';

const ROOT = path.resolve(__dirname, '../..');
const PORTS: Record<string, number> = {
  gateway: new GatewayEnv().PORT,
  'audit-ingest': new AuditIngestEnv().PORT,
  'access-log': new AccessLogEnv().PORT,
  'telemetry-relay': new TelemetryRelayEnv().PORT,
  retention: new RetentionEnv().PORT,
};

interface Container {
  args: string[];
  ports: Array<{ containerPort: number }>;
  env?: Array<{ name: string; value: string }>;
  livenessProbe: { httpGet: { path: string } };
  readinessProbe: { httpGet: { path: string } };
}
interface Manifest {
  kind: string;
  metadata: { name: string };
  spec: { template: { spec: { containers: Container[] } } };
}

describe('deployment files stay in step with the local stack', () => {
  it('docker-compose.yml is valid and runs every service on its port with a readiness health check', () => {
    const rendered = parse(
      execFileSync('docker-compose', ['-f', 'docker-compose.yml', 'config'], { cwd: ROOT, encoding: 'utf8' }),
    ) as {
      services: Record<
        string,
        { command: string[]; environment: Record<string, string>; healthcheck?: { test: string[] } }
      >;
    };
    for (const [service, port] of Object.entries(PORTS)) {
      const definition = rendered.services[service];
      expect(definition.command).toEqual([`dist/apps/${service}/src/main.js`]);
      expect(String(definition.environment.PORT)).toBe(String(port));
      expect(definition.healthcheck?.test.join(' ')).toContain(`127.0.0.1:${port}/actuator/health/readiness`);
    }
    expect(rendered.services.setup.command).toEqual(['dist/apps/admin-cli/src/main.js', 'setup']);
    const kafkaVersion = fs
      .readFileSync(path.join(ROOT, 'scripts/kafka-local.mjs'), 'utf8')
      .match(/KAFKA_VERSION = '([^']+)'/)![1];
    expect((rendered.services.kafka as unknown as { image: string }).image).toBe(`apache/kafka:${kafkaVersion}`);
  });

  it('the kustomize base renders a probed Deployment and a Service per service, and the setup Job', () => {
    const output = execFileSync('kubectl', ['kustomize', 'deploy/k8s'], { cwd: ROOT, encoding: 'utf8' });
    const manifests = parseAllDocuments(output).map((doc) => doc.toJSON() as Manifest);
    for (const [service, port] of Object.entries(PORTS)) {
      const deployment = manifests.find((m) => m.kind === 'Deployment' && m.metadata.name === `meshtrail-${service}`);
      expect(deployment).toBeDefined();
      const container = deployment!.spec.template.spec.containers[0];
      expect(container.args).toEqual([`dist/apps/${service}/src/main.js`]);
      expect(container.ports[0].containerPort).toBe(port);
      expect(container.env).toEqual(expect.arrayContaining([{ name: 'PORT', value: String(port) }]));
      expect(container.livenessProbe.httpGet.path).toBe('/actuator/health/liveness');
      expect(container.readinessProbe.httpGet.path).toBe('/actuator/health/readiness');
      expect(manifests.some((m) => m.kind === 'Service' && m.metadata.name === `meshtrail-${service}`)).toBe(true);
    }
    const job = manifests.find((m) => m.kind === 'Job' && m.metadata.name === 'meshtrail-setup');
    expect(job?.spec.template.spec.containers[0].args).toEqual(['dist/apps/admin-cli/src/main.js', 'setup']);
  });
});
