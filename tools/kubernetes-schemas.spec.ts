import { createRequire } from 'node:module';
import path from 'node:path';

// The rendered manifests of infra/kubernetes/base (tools/render-kubernetes.js) against the
// Kubernetes API's JSON schemas, as kubernetes-models ships them (one validator per kind and
// version): what `kubectl apply --dry-run=server` would refuse for its shape, with no cluster.
const root = path.resolve(__dirname, '..');
const load = createRequire(__filename);
const { renderKustomization } = load(path.join(root, 'tools/render-kubernetes.js')) as { renderKustomization(dir: string): any[] };
const objects = renderKustomization(path.join(root, 'infra/kubernetes/base'));

/** kubernetes-models/<group>/<version>/<Kind>, or kubernetes-models/v1/<Kind> for the core group. */
function validate(object: { apiVersion: string; kind: string }): void {
  const Model = (load(`kubernetes-models/${object.apiVersion}/${object.kind}`) as Record<string, new (data: unknown) => { validate(): void }>)[object.kind];
  new Model(object).validate();
}

describe('infra/kubernetes/base against the Kubernetes schemas', () => {
  it('renders every kind the platform deploys', () => {
    expect(new Set(objects.map((o) => `${o.apiVersion} ${o.kind}`))).toEqual(
      new Set(['v1 ConfigMap', 'v1 Service', 'batch/v1 Job', 'apps/v1 Deployment', 'policy/v1 PodDisruptionBudget', 'autoscaling/v2 HorizontalPodAutoscaler']),
    );
  });

  it.each(objects.map((o) => [`${o.kind} ${o.metadata.name}`, o]))('%s is valid', (_, object) => {
    expect(() => validate(object)).not.toThrow();
  });

  it('refuses a manifest that breaks its schema', () => {
    const deployment = structuredClone(objects.find((o) => o.kind === 'Deployment'));
    deployment.spec.replicas = 'two';
    expect(() => validate(deployment)).toThrow(/replicas/);
    const job = structuredClone(objects.find((o) => o.kind === 'Job'));
    delete job.spec.template.spec.containers;
    expect(() => validate(job)).toThrow(/containers/);
  });
});
