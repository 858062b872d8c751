import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments, parse } from 'yaml';
import { envVariables, loadConfig } from '@meshtrail/config';
import { AccessLogEnv } from '../../apps/access-log/src/access-log.env';
import { AdminEnv } from '../../apps/admin-cli/src/admin.env';
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

const ENV_CLASSES: Record<string, new () => object> = {
  gateway: GatewayEnv,
  'audit-ingest': AuditIngestEnv,
  'access-log': AccessLogEnv,
  'telemetry-relay': TelemetryRelayEnv,
  retention: RetentionEnv,
};

interface Container {
  args: string[];
  ports: Array<{ containerPort: number }>;
  env?: Array<{ name: string; value: string }>;
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  livenessProbe: { httpGet: { path: string } };
  readinessProbe: { httpGet: { path: string } };
}
interface Manifest {
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  spec: {
    replicas?: number;
    template: {
      metadata: { labels: Record<string, string> };
      spec: { containers: Container[]; terminationGracePeriodSeconds?: number };
    };
    scaleTargetRef?: { kind: string; name: string };
    minReplicas?: number;
    maxReplicas?: number;
    selector?: { matchLabels: Record<string, string> };
  };
}

function renderKustomize(dir: string): Manifest[] {
  const output = execFileSync('kubectl', ['kustomize', dir], { cwd: ROOT, encoding: 'utf8' });
  return parseAllDocuments(output).map((doc) => doc.toJSON() as Manifest);
}

/** The environment a container gets: its ConfigMaps and Secrets (envFrom, in order), then its own env. */
function environmentOf(
  container: Container,
  manifests: Manifest[],
): { env: Record<string, string>; secret: Set<string> } {
  const env: Record<string, string> = {};
  const secret = new Set<string>();
  for (const source of container.envFrom ?? []) {
    const ref = source.configMapRef ?? source.secretRef!;
    const kind = source.configMapRef ? 'ConfigMap' : 'Secret';
    const object = manifests.find((m) => m.kind === kind && m.metadata.name === ref.name);
    expect({ ref: ref.name, found: object !== undefined }).toEqual({ ref: ref.name, found: true });
    for (const [key, value] of Object.entries(object!.data ?? object!.stringData ?? {})) {
      env[key] = value;
      if (kind === 'Secret') secret.add(key);
    }
  }
  for (const { name, value } of container.env ?? []) env[name] = value;
  return { env, secret };
}

/** Values a Kubernetes installation sets differently from the code's defaults (everything else matches them). */
const DELIBERATE = new Set([
  'KAFKA_BROKERS',
  'KAFKA_REPLICATION_FACTOR',
  'DATABASE_URL',
  'QUERY_CURSOR_SECRET',
  'TELEMETRY_HEALTH_TARGETS',
  'TELEMETRY_QUEUE_DIR',
]);
// KEYCLOAK_* names a product, not a key
const SECRET_NAME = /PASSWORD|SECRET|TOKEN|KEY(?!CLOAK)|CREDENTIAL/;
/** The digest the base names until an overlay sets the build's own. */
const PLACEHOLDER_DIGEST = `sha256:${'0'.repeat(64)}`;

interface NetworkPolicy {
  kind: 'NetworkPolicy';
  metadata: { name: string };
  spec: {
    podSelector: {
      matchLabels?: Record<string, string>;
      matchExpressions?: Array<{ key: string; operator: string; values: string[] }>;
    };
    policyTypes: string[];
    ingress?: Array<{ from?: unknown[]; ports?: Array<{ port: number | string }> }>;
    egress?: Array<{ to?: unknown[]; ports?: Array<{ port: number | string; protocol: string }> }>;
  };
}

/** Whether a policy's pod selector picks pods with these labels. */
function selects(policy: NetworkPolicy, labels: Record<string, string>): boolean {
  const { matchLabels = {}, matchExpressions = [] } = policy.spec.podSelector;
  return (
    Object.entries(matchLabels).every(([key, value]) => labels[key] === value) &&
    matchExpressions.every((e) => e.operator === 'In' && e.values.includes(labels[e.key]))
  );
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

  it('gives every service exactly the variables its env class reads, secrets only from Secrets, and a valid configuration', () => {
    const manifests = renderKustomize('deploy/k8s');
    const workloads: Array<[string, new () => object, Container, number | undefined]> = [];
    for (const [service, envClass] of Object.entries(ENV_CLASSES)) {
      const deployment = manifests.find((m) => m.kind === 'Deployment' && m.metadata.name === `meshtrail-${service}`)!;
      const pod = deployment.spec.template.spec;
      workloads.push([service, envClass, pod.containers[0], pod.terminationGracePeriodSeconds]);
    }
    const job = manifests.find((m) => m.kind === 'Job' && m.metadata.name === 'meshtrail-setup')!;
    workloads.push(['setup', AdminEnv, job.spec.template.spec.containers[0], undefined]);

    for (const [service, envClass, container, grace] of workloads) {
      const { env, secret } = environmentOf(container, manifests);
      // the admin CLI inherits PORT from ServiceEnv but never listens
      const variables = envVariables(envClass).filter((v) => !(service === 'setup' && v.name === 'PORT'));
      expect({ service, variables: Object.keys(env).sort() }).toEqual({
        service,
        variables: variables.map((v) => v.name).sort(),
      });
      for (const { name, default: fallback } of variables) {
        if (SECRET_NAME.test(name) || name === 'DATABASE_URL')
          expect({ name, secret: secret.has(name) }).toEqual({ name, secret: true });
        if (!DELIBERATE.has(name))
          expect({ service, name, value: env[name] }).toEqual({ service, name, value: fallback ?? '' });
      }
      // the shipped values are a configuration the service accepts
      expect(() => loadConfig(service, envClass, env)).not.toThrow();
      if (grace !== undefined) expect(grace * 1000).toBeGreaterThan(Number(env.SHUTDOWN_TIMEOUT_MS));
    }
  });

  it('scales the consumers up to the partition count, the gateway from two, and protects them from drains', () => {
    const manifests = renderKustomize('deploy/k8s');
    const setup = manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === 'meshtrail-setup-config')!;
    const partitions = Number(setup.data!.KAFKA_TOPIC_PARTITIONS);
    expect(partitions).toBe(new AdminEnv().KAFKA_TOPIC_PARTITIONS);
    const hpa = (name: string) =>
      manifests.find((m) => m.kind === 'HorizontalPodAutoscaler' && m.metadata.name === `meshtrail-${name}`);
    for (const consumer of ['audit-ingest', 'access-log']) {
      expect(hpa(consumer)?.spec).toMatchObject({
        scaleTargetRef: { kind: 'Deployment', name: `meshtrail-${consumer}` },
        minReplicas: 1,
        maxReplicas: partitions,
      });
    }
    expect(hpa('gateway')?.spec.minReplicas).toBeGreaterThanOrEqual(2);
    // the relay owns a disk queue, retention runs on a schedule: one replica each, no autoscaling
    expect(hpa('telemetry-relay')).toBeUndefined();
    expect(hpa('retention')).toBeUndefined();
    for (const autoscaled of ['gateway', 'audit-ingest', 'access-log']) {
      const deployment = manifests.find(
        (m) => m.kind === 'Deployment' && m.metadata.name === `meshtrail-${autoscaled}`,
      )!;
      expect(deployment.spec.replicas).toBeUndefined(); // else every apply would reset the HPA's choice
      const pdb = manifests.find(
        (m) => m.kind === 'PodDisruptionBudget' && m.metadata.name === `meshtrail-${autoscaled}`,
      );
      expect(pdb?.spec.selector?.matchLabels).toEqual({ 'app.kubernetes.io/name': `meshtrail-${autoscaled}` });
      expect(deployment.spec.template.metadata.labels).toMatchObject(pdb!.spec.selector!.matchLabels);
    }
  });

  it('renders the logging, dashboard and alert-rule ConfigMaps of deploy/observability from the checked files', () => {
    const manifests = renderKustomize('deploy/observability');
    const fluentBit = manifests.find((m) => m.metadata.name === 'meshtrail-fluent-bit')!;
    expect(fluentBit.data!['fluent-bit.yaml']).toBe(
      fs.readFileSync(path.join(ROOT, 'deploy/observability/fluent-bit.yaml'), 'utf8'),
    );
    const dashboard = manifests.find((m) => m.metadata.name === 'meshtrail-grafana-dashboard')!;
    expect(dashboard.metadata.labels).toMatchObject({ grafana_dashboard: '1' });
    expect(JSON.parse(dashboard.data!['meshtrail.json'])).toMatchObject({ uid: 'meshtrail-overview' });
    const alerts = manifests.find((m) => m.metadata.name === 'meshtrail-prometheus-alerts')!;
    expect(alerts.data!['prometheus-alerts.yaml']).toBe(
      fs.readFileSync(path.join(ROOT, 'deploy/observability/prometheus-alerts.yaml'), 'utf8'),
    );
  });

  it("renders the README's example overlay: your image, your Kafka, your identity provider", () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const block = /```yaml\n((?: {3}# my-meshtrail\/kustomization\.yaml\n)(?:.*\n)*?) {3}```/.exec(readme)![1];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshtrail-overlay-'));
    try {
      fs.symlinkSync(path.join(ROOT, 'deploy'), path.join(dir, 'deploy'));
      fs.mkdirSync(path.join(dir, 'my-meshtrail'));
      fs.writeFileSync(path.join(dir, 'my-meshtrail/kustomization.yaml'), block.replace(/^ {3}/gm, ''));
      const manifests = renderKustomize(path.join(dir, 'my-meshtrail'));
      const images = manifests
        .filter((m) => m.kind === 'Deployment' || m.kind === 'Job')
        .map((m) => m.spec.template.spec.containers[0] as unknown as { image: string });
      // pinned by the overlay's digest, never the base's placeholder
      const [image, ...others] = new Set(images.map((c) => c.image));
      expect(others).toEqual([]);
      expect(image).toMatch(/^registry\.example\.com\/meshtrail@sha256:[0-9a-f]{64}$/);
      expect(image).not.toContain(PLACEHOLDER_DIGEST);
      const config = (name: string) => manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === name)!.data!;
      expect(config('meshtrail-config')).toMatchObject({ KAFKA_SSL: 'true', KAFKA_SASL_MECHANISM: 'scram-sha-512' });
      expect(config('meshtrail-gateway-config').AUTH_OIDC_ISSUER).toBe('https://keycloak.example.com/realms/platform');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('builds the image on Node.js 24 pinned by digest, in every stage', () => {
    const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
    const args = Object.fromEntries(
      [...dockerfile.matchAll(/^ARG (\w+)=(\S+)$/gm)].map(([, name, value]) => [name, value] as const),
    );
    const bases = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map(([, image]) =>
      image.replace(/^\$\{(\w+)\}$/, (_, name: string) => args[name] ?? image),
    );
    expect(bases).toHaveLength(2);
    for (const base of bases) expect(base).toMatch(/^node:24-[a-z-]+@sha256:[0-9a-f]{64}$/);
  });

  it('lets only what must talk talk: NetworkPolicies deny by default and open the paths the services use', () => {
    const manifests = renderKustomize('deploy/k8s');
    const policies = manifests.filter((m) => m.kind === 'NetworkPolicy') as unknown as NetworkPolicy[];
    const pods = manifests
      .filter((m) => m.kind === 'Deployment' || m.kind === 'Job')
      .map((m) => ({ name: m.metadata.name, labels: m.spec.template.metadata.labels }));
    expect(pods).toHaveLength(6);
    const applying = (labels: Record<string, string>, type: 'Ingress' | 'Egress') =>
      policies.filter((p) => p.spec.policyTypes.includes(type) && selects(p, labels));
    const ingressPorts = (labels: Record<string, string>) =>
      applying(labels, 'Ingress').flatMap((p) =>
        (p.spec.ingress ?? []).map((rule) => ({ from: rule.from, ports: rule.ports })),
      );
    const egressPorts = (labels: Record<string, string>) =>
      applying(labels, 'Egress').flatMap((p) =>
        (p.spec.egress ?? []).flatMap((rule) => rule.ports ?? []).map((port) => port.port),
      );

    for (const pod of pods) {
      // every pod is isolated both ways by a policy without rules
      const deny = applying(pod.labels, 'Ingress').find((p) => !p.spec.ingress && !p.spec.egress);
      expect({ pod: pod.name, deny: deny?.spec.policyTypes }).toEqual({ pod: pod.name, deny: ['Ingress', 'Egress'] });
      // and may reach DNS, PostgreSQL and Kafka
      expect({ pod: pod.name, egress: egressPorts(pod.labels) }).toEqual({
        pod: pod.name,
        egress: expect.arrayContaining([53, 5432, 9092]),
      });
    }
    const labelsOf = (name: string) => pods.find((p) => p.name === name)!.labels;
    // the gateway takes its port from anyone the ingress sends; nothing else takes connections from anyone
    expect(ingressPorts(labelsOf('meshtrail-gateway'))).toContainEqual({
      from: undefined,
      ports: [{ protocol: 'TCP', port: 'http' }],
    });
    for (const name of [
      'meshtrail-audit-ingest',
      'meshtrail-access-log',
      'meshtrail-telemetry-relay',
      'meshtrail-retention',
    ]) {
      const rules = ingressPorts(labelsOf(name));
      expect({ name, rules: rules.length }).toEqual({ name, rules: 1 });
      expect(rules[0].from).toEqual([
        { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'meshtrail-telemetry-relay' } } },
        { namespaceSelector: { matchLabels: { 'meshtrail.io/monitoring': 'true' } } },
      ]);
    }
    expect(ingressPorts(labelsOf('meshtrail-setup'))).toEqual([]);
    // outbound beyond the data stores only where a service needs it
    expect(egressPorts(labelsOf('meshtrail-gateway'))).toContain(443);
    expect(egressPorts(labelsOf('meshtrail-access-log'))).toEqual(expect.arrayContaining([514, 6514, 443]));
    expect(egressPorts(labelsOf('meshtrail-audit-ingest'))).not.toContain(443);
    expect(egressPorts(labelsOf('meshtrail-retention'))).not.toContain(443);
  });

  it('mounts no service account token and names every image by digest', () => {
    const manifests = renderKustomize('deploy/k8s');
    const workloads = manifests.filter((m) => m.kind === 'Deployment' || m.kind === 'Job');
    expect(workloads).toHaveLength(6);
    for (const workload of workloads) {
      const pod = workload.spec.template.spec as unknown as {
        automountServiceAccountToken?: boolean;
        containers: Array<{ image: string }>;
      };
      expect({ name: workload.metadata.name, automount: pod.automountServiceAccountToken }).toEqual({
        name: workload.metadata.name,
        automount: false,
      });
      for (const container of pod.containers) expect(container.image).toBe(`meshtrail@${PLACEHOLDER_DIGEST}`);
    }
  });
});
