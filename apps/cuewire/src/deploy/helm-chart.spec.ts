import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { ConfigMap, Secret, Service } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { loadSecretBox } from '@cuewire/delivery';
import { envSchemaFor } from '@cuewire/platform';
import { selectTargets, TARGETS } from '../targets.js';
import { helmBinary } from './helm.binary.js';

const chart = join(resolve(import.meta.dirname, '../../../..'), 'deploy/helm/cuewire');
const run = promisify(execFile);

/** Secrets in the shape start-up checks: 32 random bytes in base64 (fixed here: the rendering must be reproducible), and the history database's URL. */
const SECRETS = [
  'secrets.adminKey=YWRtaW4ta2V5LWZvci10aGUtY2hhcnQtc3BlYy0wMDE=',
  'secrets.secretsKey=c2VhbGluZy1rZXktZm9yLXRoZS1jaGFydC1zcGVjLTE=',
  'secrets.trackingKeys=dHJhY2tpbmcta2V5LWZvci10aGUtY2hhcnQtc3BlYzE=',
  'secrets.databaseUrl=postgres://cuewire:chart-spec-password@postgres:5432/cuewire',
];

type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string> }; spec?: unknown; data?: Record<string, string>; stringData?: Record<string, string> };

/** The Kubernetes models (JSON schemas of the Kubernetes and KEDA APIs) the rendered objects are validated with. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
};

async function helm(...args: string[]): Promise<string> {
  const { stdout } = await run(await helmBinary(), args, { maxBuffer: 16 * 1_048_576 });
  return stdout;
}

async function render(...set: string[]): Promise<K8sObject[]> {
  const out = await helm('template', 'cw', chart, ...[...SECRETS, ...set].flatMap((s) => ['--set', s]));
  return parseAllDocuments(out)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

type Container = {
  env: { name: string; value?: string; valueFrom?: { secretKeyRef: { name: string; key: string } } }[];
  envFrom: { configMapRef: { name: string } }[];
  livenessProbe: { httpGet: { path: string; port: string } };
  readinessProbe: { httpGet: { path: string; port: string } };
  ports: { name: string; containerPort: number }[];
  resources: { requests?: { cpu?: string; memory?: string } };
};
const containerOf = (d: K8sObject) => (d.spec as { template: { spec: { containers: Container[] } } }).template.spec.containers[0];

describe('the Helm chart (deploy/helm/cuewire)', () => {
  let objects: K8sObject[];
  beforeAll(async () => {
    objects = await render();
  });
  const deployments = () => objects.filter((o) => o.kind === 'Deployment');

  it('passes helm lint', async () => {
    expect(await helm('lint', chart, ...SECRETS.flatMap((s) => ['--set', s]))).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
  });

  it('renders objects valid against the Kubernetes (and KEDA) API schemas', async () => {
    const withKeda = await render('keda.enabled=true');
    for (const object of [...objects, ...withKeda]) {
      const Model = MODELS[`${object.apiVersion}/${object.kind}`];
      expect({ object: `${object.kind}/${object.metadata.name}`, known: Boolean(Model) }).toEqual({ object: `${object.kind}/${object.metadata.name}`, known: true });
      expect(() => new Model(object as never).validate()).not.toThrow();
    }
  });

  it('has one Deployment (and Service) per service, probed on /health/live and /health/ready, with resource requests', () => {
    expect(deployments().map((d) => d.metadata.name.replace('cw-cuewire-', '')).sort()).toEqual(Object.keys(TARGETS).sort());
    expect(objects.filter((o) => o.kind === 'Service')).toHaveLength(Object.keys(TARGETS).length);
    for (const deployment of deployments()) {
      const c = containerOf(deployment);
      expect({ name: deployment.metadata.name, live: c.livenessProbe.httpGet, ready: c.readinessProbe.httpGet, port: c.ports[0] }).toEqual({
        name: deployment.metadata.name,
        live: { path: '/health/live', port: 'http' },
        ready: { path: '/health/ready', port: 'http' },
        port: { name: 'http', containerPort: 8080, protocol: 'TCP' },
      });
      expect(c.resources.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
    }
  });

  it('gives each service, from the ConfigMap and the Secret, an environment its settings schema accepts in production', () => {
    const config = objects.find((o) => o.kind === 'ConfigMap')!.data!;
    const secret = objects.find((o) => o.kind === 'Secret')!;
    for (const deployment of deployments()) {
      const c = containerOf(deployment);
      expect(c.envFrom).toEqual([{ configMapRef: { name: objects.find((o) => o.kind === 'ConfigMap')!.metadata.name } }]);
      const env: Record<string, string> = { ...config };
      for (const e of c.env) {
        if (e.valueFrom) expect(e.valueFrom.secretKeyRef.name).toBe(secret.metadata.name);
        env[e.name] = e.valueFrom ? secret.stringData![e.valueFrom.secretKeyRef.key] : e.value!;
      }
      const schema = envSchemaFor(selectTargets(env.CUEWIRE_TARGETS));
      const parsed = schema.safeParse(env);
      const name = deployment.metadata.name;
      expect({ name, issues: parsed.error?.issues ?? [], NODE_ENV: env.NODE_ENV }).toEqual({ name, issues: [], NODE_ENV: 'production' });
      expect({ name, unknown: Object.keys(env).filter((k) => k !== 'CUEWIRE_TARGETS' && !(k in schema.shape)) }).toEqual({ name, unknown: [] });
      // Secrets only where the service reads them, and every one it needs in production.
      const fromSecret = c.env.filter((e) => e.valueFrom).map((e) => e.name).sort();
      const needed = ['CUEWIRE_ADMIN_KEY', 'CUEWIRE_SECRETS_KEY', 'DATABASE_URL', 'FEEDBACK_TRACKING_KEYS'].filter((k) => k in schema.shape);
      expect({ name, fromSecret }).toEqual({ name, fromSecret: needed });
      if ('CUEWIRE_SECRETS_KEY' in schema.shape) expect(() => loadSecretBox({ NODE_ENV: 'production', CUEWIRE_SECRETS_KEY: env.CUEWIRE_SECRETS_KEY })).not.toThrow();
    }
  });

  it('refuses to render without the secrets, and takes them from an existing Secret instead', async () => {
    await expect(run(await helmBinary(), ['template', 'cw', chart])).rejects.toThrow(/secrets.adminKey is required/);
    await expect(run(await helmBinary(), ['template', 'cw', chart, ...SECRETS.filter((s) => !s.startsWith('secrets.databaseUrl=')).flatMap((s) => ['--set', s])])).rejects.toThrow(
      /secrets.databaseUrl is required by the history service/,
    );
    const out = parseAllDocuments(await helm('template', 'cw', chart, '--set', 'secrets.existingSecret=cuewire-prod')).map((d) => d.toJS() as K8sObject);
    expect(out.filter((o) => o.kind === 'Secret')).toEqual([]);
    const refs = out.filter((o) => o.kind === 'Deployment').flatMap((d) => containerOf(d).env.flatMap((e) => (e.valueFrom ? [e.valueFrom.secretKeyRef.name] : [])));
    expect(new Set(refs)).toEqual(new Set(['cuewire-prod']));
  });

  it('gives the services holding the tracking keys (renderer, feedback receiver) the public base URL tracking links point at', async () => {
    const withUrl = await render('feedback.publicBaseUrl=https://hooks.example.com');
    const given = withUrl
      .filter((o) => o.kind === 'Deployment')
      .flatMap((d) => containerOf(d).env.filter((e) => e.name === 'FEEDBACK_PUBLIC_BASE_URL').map((e) => [d.metadata.name, e.value]));
    expect(Object.fromEntries(given)).toEqual({ 'cw-cuewire-feedback-receiver': 'https://hooks.example.com', 'cw-cuewire-renderer': 'https://hooks.example.com' });
    await expect(render('feedback.publicBaseUrl=hooks.example.com')).rejects.toThrow(/feedback\/publicBaseUrl/);
  });

  it('refuses values its schema (values.schema.json) does not allow, naming them', async () => {
    await expect(render('services.ingest.replicas=two')).rejects.toThrow(/\/services\/ingest\/replicas': got string, want integer/);
    await expect(render('services.ingets.replicas=1')).rejects.toThrow(/invalid propertyName 'ingets'/);
    await expect(render('services.dispatcher.secretEnv={CUEWIRE_SECRET_KEY}')).rejects.toThrow(/secretEnv\/0/);
  });

  it('scales the Kafka consumers on consumer-group lag with KEDA when enabled, leaving their replica count to it', async () => {
    expect(objects.filter((o) => o.kind === 'ScaledObject')).toEqual([]);
    const withKeda = await render('keda.enabled=true');
    const scaled = withKeda.filter((o) => o.kind === 'ScaledObject') as (K8sObject & { spec: { scaleTargetRef: { name: string }; triggers: { type: string; metadata: Record<string, string> }[] } })[];
    expect(scaled.map((s) => s.spec.scaleTargetRef.name).sort()).toEqual(['cw-cuewire-campaign-evaluator', 'cw-cuewire-dispatcher', 'cw-cuewire-renderer', 'cw-cuewire-segmenter']);
    for (const s of scaled) {
      expect(s.spec.triggers).toEqual([{ type: 'kafka', metadata: { bootstrapServers: 'kafka:9092', consumerGroup: `cuewire.${s.spec.scaleTargetRef.name.replace('cw-cuewire-', '')}`, lagThreshold: expect.stringMatching(/^\d+$/), offsetResetPolicy: 'earliest' } }]);
      const target = withKeda.find((o) => o.kind === 'Deployment' && o.metadata.name === s.spec.scaleTargetRef.name)!;
      expect((target.spec as { replicas?: number }).replicas).toBeUndefined();
    }
    expect(withKeda.filter((o) => o.kind === 'Deployment' && (o.spec as { replicas?: number }).replicas !== undefined).map((d) => d.metadata.name).sort()).toEqual([
      'cw-cuewire-control-plane',
      'cw-cuewire-feedback-receiver',
      'cw-cuewire-history',
      'cw-cuewire-ingest',
    ]);
  });
});
