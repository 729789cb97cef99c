import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parser } from '@prometheus-io/lezer-promql';
import { register } from 'prom-client';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ensureDefaultMetrics } from '@cuewire/platform';
import { TARGETS } from '../targets.js';

const root = resolve(import.meta.dirname, '../../../..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

/** Metrics that come from elsewhere than the services: Prometheus itself and the Kafka exporter in docker/compose.yaml. */
const EXTERNAL_METRICS = ['up', 'kafka_consumergroup_lag'];

/** The PromQL expression's metric names; throws where the expression does not parse. */
function metricsOf(expr: string): string[] {
  const names: string[] = [];
  let error: number | undefined;
  parser.parse(expr).iterate({
    enter(node) {
      if (node.type.isError) error ??= node.from;
      if (node.name === 'VectorSelector') {
        const id = node.node.getChild('Identifier');
        if (id) names.push(expr.slice(id.from, id.to));
      }
    },
  });
  if (error !== undefined) throw new Error(`PromQL does not parse at ${error}: ${expr}`);
  return names;
}

/** Every series name the services register (importing the targets registers their metrics), histograms with their suffixes. */
function exportedMetrics(): Set<string> {
  void TARGETS;
  ensureDefaultMetrics();
  return new Set([
    ...EXTERNAL_METRICS,
    ...register.getMetricsAsArray().flatMap(({ name, type }) => (String(type) === 'histogram' ? ['_bucket', '_sum', '_count'].map((s) => `${name}${s}`) : String(type) === 'summary' ? [name, `${name}_sum`, `${name}_count`] : [name])),
  ]);
}

const duration = z.string().regex(/^(\d+(ms|s|m|h|d|w|y))+$/, 'a Prometheus duration such as 5m');
/** The Prometheus rule-file format (https://prometheus.io/docs/prometheus/latest/configuration/alerting_rules/), strict. */
const ruleFileSchema = z
  .object({
    groups: z
      .array(
        z
          .object({
            name: z.string().min(1),
            interval: duration.optional(),
            rules: z
              .array(
                z
                  .object({
                    alert: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/),
                    expr: z.string().min(1),
                    for: duration.optional(),
                    keep_firing_for: duration.optional(),
                    labels: z.record(z.string(), z.string()).optional(),
                    annotations: z.record(z.string(), z.string()).optional(),
                  })
                  .strict(),
              )
              .min(1),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

describe('monitoring (docker/prometheus, docker/grafana)', () => {
  const metrics = exportedMetrics();

  it('has alert rules in Prometheus’s rule format, whose expressions parse and name only metrics that exist', () => {
    const rules = ruleFileSchema.parse(parseYaml(read('docker/prometheus/alerts.yml')));
    const exprs = rules.groups.flatMap((g) => g.rules.map((r) => r.expr));
    expect(exprs.length).toBeGreaterThanOrEqual(5);
    const unknown = exprs.flatMap((e) => metricsOf(e)).filter((m) => !metrics.has(m));
    expect(unknown).toEqual([]);
    expect(new Set(rules.groups.flatMap((g) => g.rules.map((r) => r.alert))).size).toBe(exprs.length);
  });

  it('refuses, in its checks, an expression that does not parse or a metric nobody exports', () => {
    expect(() => metricsOf('sum(rate(cuewire_kafka_records_handled_total[5m]) by')).toThrow(/does not parse/);
    expect(metricsOf('rate(cuewire_no_such_thing_total[5m])').filter((m) => !metrics.has(m))).toEqual(['cuewire_no_such_thing_total']);
  });

  it('has a dashboard whose panels are laid out, query the provisioned data source, and name only metrics that exist', () => {
    const dashboard = JSON.parse(read('docker/grafana/dashboards/cuewire.json')) as {
      uid: string;
      panels: { id: number; title: string; type: string; datasource: { uid: string }; gridPos: { x: number; y: number; w: number; h: number }; targets: { refId: string; expr: string; datasource: { uid: string } }[] }[];
    };
    const datasource = (parseYaml(read('docker/grafana/provisioning/datasources/prometheus.yml')) as { datasources: { uid: string; type: string }[] }).datasources[0];
    const provider = (parseYaml(read('docker/grafana/provisioning/dashboards/cuewire.yml')) as { providers: { options: { path: string } }[] }).providers[0];
    const compose = read('docker/compose.yaml');
    expect(compose).toContain(`./grafana/dashboards:${provider.options.path}:ro`);
    expect(datasource.type).toBe('prometheus');

    const { panels } = dashboard;
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    const cells = new Set<string>();
    for (const p of panels) {
      expect({ panel: p.title, inGrid: p.gridPos.x >= 0 && p.gridPos.w > 0 && p.gridPos.h > 0 && p.gridPos.x + p.gridPos.w <= 24 }).toEqual({ panel: p.title, inGrid: true });
      for (let x = p.gridPos.x; x < p.gridPos.x + p.gridPos.w; x++) for (let y = p.gridPos.y; y < p.gridPos.y + p.gridPos.h; y++) cells.add(`${x},${y}`);
      expect({ panel: p.title, datasources: [p.datasource.uid, ...p.targets.map((t) => t.datasource.uid)].filter((uid) => uid !== datasource.uid) }).toEqual({ panel: p.title, datasources: [] });
      expect(new Set(p.targets.map((t) => t.refId)).size).toBe(p.targets.length);
    }
    // No two panels overlap.
    expect(cells.size).toBe(panels.reduce((n, p) => n + p.gridPos.w * p.gridPos.h, 0));
    const unknown = panels.flatMap((p) => p.targets.flatMap((t) => metricsOf(t.expr))).filter((m) => !metrics.has(m));
    expect(unknown).toEqual([]);
    expect(panels.map((p) => p.title)).toEqual(
      expect.arrayContaining(['Consumer lag', 'Records handled / s', 'Dead-lettered records / s', 'Delivery attempt latency p50 / p99', 'Endpoints by state', 'HTTP requests / s', 'Timers due / overdue', 'Schedule fan-out progress']),
    );
  });

  it('shows or alerts on every metric issue #15 asks for (lag, throughput, delivery latency and outcomes, endpoint states, parked, timers, fan-out, HTTP, dead letters)', () => {
    const dashboard = JSON.parse(read('docker/grafana/dashboards/cuewire.json')) as { panels: { targets: { expr: string }[] }[] };
    const rules = ruleFileSchema.parse(parseYaml(read('docker/prometheus/alerts.yml')));
    const used = new Set([...dashboard.panels.flatMap((p) => p.targets.flatMap((t) => metricsOf(t.expr))), ...rules.groups.flatMap((g) => g.rules.flatMap((r) => metricsOf(r.expr)))]);
    const wanted = [
      'cuewire_kafka_consumer_lag',
      'cuewire_kafka_records_handled_total',
      'cuewire_delivery_attempt_seconds_bucket',
      'cuewire_delivery_attempts_total',
      'cuewire_endpoint_state',
      'cuewire_endpoint_parked',
      'cuewire_evaluator_timers_due',
      'cuewire_evaluator_timers_overdue',
      'cuewire_schedule_fan_out_members_done',
      'cuewire_http_request_duration_seconds_count',
      'cuewire_kafka_records_dead_lettered_total',
      'cuewire_delivery_outcomes_total',
    ];
    expect(wanted.filter((m) => !used.has(m) || !metrics.has(m))).toEqual([]);
  });

  it('conforms to Grafana’s dashboard schema (@grafana/schema), checked by the TypeScript compiler', () => {
    // grafana-dashboard.types.ts alone, so the check takes seconds, not a whole-workspace typecheck.
    const dir = mkdtempSync(join(tmpdir(), 'cuewire-grafana-'));
    try {
      const config = join(dir, 'tsconfig.json');
      writeFileSync(config, JSON.stringify({ extends: join(root, 'tsconfig.base.json'), compilerOptions: { noEmit: true, types: [] }, files: [join(import.meta.dirname, 'grafana-dashboard.types.ts')] }));
      const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
      const run = spawnSync(process.execPath, [tsc, '-p', config], { encoding: 'utf8' });
      expect({ status: run.status, output: run.stdout }).toEqual({ status: 0, output: '' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
