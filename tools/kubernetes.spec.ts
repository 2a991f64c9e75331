import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { TOPICS, TOPIC_PARTITIONS } from '@ddp/contracts';
import { loadNotificationConfig } from '../services/notification/src/notification.config';
import { loadOutcomeConfig } from '../services/outcome/src/outcome.config';
import { loadProviderSchedulingConfig } from '../services/provider-scheduling/src/provider-scheduling.config';
import { loadReferralConfig } from '../services/referral/src/referral.config';

// infra/kubernetes/base, rendered as kustomize would (tools/render-kubernetes.js), describes
// what the services need: probes on their health routes, memory from the benchmark, disruption
// budgets, autoscaling bounded by partitions, migrations as Jobs, secrets from a Secret, and
// Kafka, PostgreSQL, Redis and the identity provider outside. (Schema validation against the
// Kubernetes API is a separate check.)
const root = path.resolve(__dirname, '..');
const { renderKustomization } = createRequire(__filename)(path.join(root, 'tools/render-kubernetes.js')) as { renderKustomization(dir: string): any[] };
const objects = renderKustomization(path.join(root, 'infra/kubernetes/base'));
const bench = JSON.parse(readFileSync(path.join(root, 'bench/results/latest.json'), 'utf8')) as { maxRssMB: Record<string, number> };

const SERVICES = { referral: 3001, 'provider-scheduling': 3002, outcome: 3003, notification: 3004 } as const;
const LOADERS: Record<keyof typeof SERVICES, (env: Record<string, string>) => unknown> = {
  referral: loadReferralConfig,
  'provider-scheduling': loadProviderSchedulingConfig,
  outcome: loadOutcomeConfig,
  notification: loadNotificationConfig,
};
const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
const mebibytes = (quantity: string) => Number(/^(\d+)Mi$/.exec(quantity)?.[1] ?? NaN);
const configMap = find('ConfigMap', 'ddp-config');

/** The environment a container gets, secrets replaced by a stand-in value of the right shape. */
function environmentOf(container: any): Record<string, string> {
  const secrets: Record<string, string> = { 'database-password': 'secret-password', 'internal-api-token': 'a-long-internal-token', 'smtp-url': 'smtp://relay.example.internal:587' };
  const env: Record<string, string> = { NODE_ENV: 'production' }; // the image's
  for (const from of container.envFrom ?? []) Object.assign(env, find('ConfigMap', from.configMapRef.name).data);
  for (const e of container.env ?? []) {
    if ('value' in e) env[e.name] = e.value;
    else if (e.valueFrom.secretKeyRef && secrets[e.valueFrom.secretKeyRef.key]) env[e.name] = secrets[e.valueFrom.secretKeyRef.key];
  }
  return env;
}

describe('infra/kubernetes/base', () => {
  it.each(Object.entries(SERVICES))('runs %s as a Deployment with a Service on its port', (name, port) => {
    const deployment = find('Deployment', name);
    const container = deployment.spec.template.spec.containers[0];
    expect(container.env).toContainEqual({ name: 'SERVICE', value: name });
    expect(container.env).toContainEqual({ name: 'PORT', value: String(port) });
    expect(container.ports).toEqual([{ name: 'http', containerPort: port }]);
    expect(find('Service', name).spec).toMatchObject({ selector: deployment.spec.selector.matchLabels, ports: [{ port, targetPort: 'http' }] });
  });

  it.each(Object.keys(SERVICES))('probes %s on /health/live and /health/ready', (name) => {
    const container = find('Deployment', name).spec.template.spec.containers[0];
    expect(container.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
    expect(container.startupProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });
  });

  it.each(Object.keys(SERVICES))("requests for %s the memory the benchmark measured, within the 256 MB budget", (name) => {
    const { requests, limits } = find('Deployment', name).spec.template.spec.containers[0].resources;
    expect(mebibytes(requests.memory)).toBeGreaterThanOrEqual(bench.maxRssMB[name]);
    expect(mebibytes(requests.memory)).toBeLessThan(bench.maxRssMB[name] + 16);
    expect(limits.memory).toBe('256Mi');
  });

  it.each(Object.keys(SERVICES))('keeps a replica of %s through a disruption, and scales it no further than the partitions', (name) => {
    const deployment = find('Deployment', name);
    const budget = find('PodDisruptionBudget', name);
    const autoscaler = find('HorizontalPodAutoscaler', name);
    expect(budget.spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
    expect(budget.spec.minAvailable).toBeLessThan(autoscaler.spec.minReplicas);
    expect(autoscaler.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name });
    const partitions = Math.min(...Object.values(TOPICS).map((topic) => TOPIC_PARTITIONS[topic]));
    expect(autoscaler.spec.maxReplicas).toBe(partitions);
  });

  it.each(Object.keys(SERVICES))('migrates %s in a Job, and the Deployment never at start', (name) => {
    const job = find('Job', `migrate-${name}`);
    const env = environmentOf(job.spec.template.spec.containers[0]);
    expect(env).toMatchObject({ SERVICE: name, MIGRATE_ON_START: 'only' });
    expect(environmentOf(find('Deployment', name).spec.template.spec.containers[0]).MIGRATE_ON_START).toBe('false');
  });

  it.each(Object.keys(SERVICES))('gives %s a configuration it starts with in production, its own database included', (name) => {
    for (const pod of [find('Deployment', name), find('Job', `migrate-${name}`)].map((o) => o.spec.template.spec)) {
      const config = LOADERS[name as keyof typeof SERVICES](environmentOf(pod.containers[0])) as { DATABASE_URL: string; KAFKA_BROKERS: string };
      expect(config.DATABASE_URL).toBe(`postgres://ddp:secret-password@postgres:5432/ddp_${name.replace('-', '_')}`);
      expect(config.KAFKA_BROKERS).toBe('kafka:9092');
    }
  });

  it('takes every secret from the Secret ddp-secrets and checks none in', () => {
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    const refs = objects.flatMap((o) => o.spec?.template?.spec?.containers ?? []).flatMap((c: any) => c.env ?? []).filter((e: any) => e.valueFrom?.secretKeyRef);
    expect(new Set(refs.map((e: any) => e.valueFrom.secretKeyRef.name))).toEqual(new Set(['ddp-secrets']));
    expect(new Set(refs.map((e: any) => e.name))).toEqual(new Set(['DATABASE_PASSWORD', 'INTERNAL_API_TOKEN', 'SMTP_URL', 'NOTIFY_API_KEY', 'NOTIFY_CALLBACK_TOKEN']));
    expect(Object.keys(configMap.data).filter((k) => /PASSWORD|TOKEN|KEY|SECRET/.test(k))).toEqual([]);
  });

  it('leaves Kafka, PostgreSQL, Redis and the identity provider outside, as ExternalName Services the settings name', () => {
    for (const name of ['kafka', 'postgres', 'redis', 'identity-provider']) expect(find('Service', name).spec.type).toBe('ExternalName');
    expect(objects.filter((o) => /StatefulSet|PersistentVolumeClaim/.test(o.kind))).toEqual([]);
    expect(configMap.data).toMatchObject({ KAFKA_BROKERS: 'kafka:9092', REDIS_URL: 'redis://redis:6379', DATABASE_HOST: 'postgres' });
  });

  it('runs every pod as a non-root user with a read-only root filesystem', () => {
    for (const pod of objects.filter((o) => o.spec?.template?.spec).map((o) => o.spec.template.spec)) {
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
      for (const c of pod.containers) expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
    }
  });

  it('refuses a kustomization field the renderer does not apply', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ddp-kustomize-'));
    writeFileSync(path.join(dir, 'kustomization.yaml'), 'resources: []\nnamePrefix: x-\n');
    expect(() => renderKustomization(dir)).toThrow(/namePrefix not supported/);
  });
});
