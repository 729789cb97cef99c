#!/usr/bin/env node
// `npm run faults`: the fault suite. Runs the whole pipeline (six services, each its own
// process, on its own Kafka, registry and Redis with AOF) through scenario after scenario:
// each sends `--events` events (default 100,000) of customers with known outcomes through
// campaigns of every trigger kind, injects its fault at 40 %, and counts at a receiver that
// verifies every signature: expected, delivered, lost, duplicates (same webhook-id), firings
// beyond once, per-customer order, poison records dead-lettered. Prints a table; exits
// non-zero when anything was lost.
//
// `--cluster` runs the suite on clusters instead (tools/pipeline/cluster-infra.mjs: three Kafka
// brokers, RF 3, min ISR 2; a Redis Cluster of three masters with a replica each) with three
// replicas of segmenter, campaign-evaluator, renderer and dispatcher; `cluster-chaos` is the
// scenario written for it, and the scenarios that kill the one broker or the one Redis are
// skipped there.
//
//   npm run faults -- [--events 100000] [--rate 1500] [--only baseline,kill-dispatcher,...] [--cluster] [--list]
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ClusterInfrastructure } from '../pipeline/cluster-infra.mjs';
import { OwnInfrastructure, PipelineServices } from '../pipeline/stack.mjs';
import { SignedReceiver } from '../pipeline/signed-receiver.mjs';
import { AdminApi, definitions, sendEvents, SECRET, workload } from '../pipeline/workload.mjs';
import { followUpTiming } from './late-events.mjs';
import { writePoisonRecords, readDeadLetters } from './poison.mjs';
import { CLUSTER_REPLICAS, SCENARIOS, skipReason } from './scenarios.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = (p) => import(path.join(REPO, 'dist', p));

/** The not-followed-by campaign's wait (cart add, then no purchase within it). */
const NOT_FOLLOWED_WITHIN_MS = 30_000;

const log = (msg) => console.error(`[faults ${new Date().toISOString().slice(11, 19)}] ${msg}`);

/** Loads the built libraries the runner writes records with (run `npm run build` first). */
export async function builtModules() {
  return { ...(await dist('libs/kafka/src/index.js')), ...(await dist('libs/contracts/src/index.js')) };
}

/**
 * One scenario on `infra` (started); `replicas` ({ segmenter: 3, … }) runs that many processes of
 * a service, each in the same consumer group.
 */
export async function runScenario(scenario, { infra, receiver, events, rate, settleTimeoutMs, modules, replicas = {} }) {
  const { TypedProducer, AvroSerde, recordOutput, Topics } = modules;
  const runId = `faults-${scenario.key}-${randomUUID().slice(0, 6)}`;
  const adminKey = `cwadmin_${randomBytes(24).toString('base64url')}`;
  const logDir = path.join(REPO, '.cuewire', 'faults', 'logs', runId);
  const services = new PipelineServices({ infra, runId, adminKey, logDir, replicas });
  const settings = { brokers: infra.kafkaBrokers.split(','), clientId: `faults-${scenario.key}`, schemaRegistryUrl: infra.schemaRegistryUrl, partitions: 6, replicationFactor: infra.replicationFactor ?? 1, topicPrefix: `${runId}.` };
  const serde = new AvroSerde(infra.schemaRegistryUrl);
  const producer = new TypedProducer(settings, serde);
  const customers = Math.max(30, Math.round(events / 10));
  const load = workload({ customers, eventsPerCustomer: 10, onDemandCustomers: Math.min(500, customers), runId });
  const api = new AdminApi(() => services.get('control-plane').url, adminKey);
  const started = Date.now();
  const before = { unique: receiver.unique, duplicates: receiver.duplicates, bad: receiver.badSignatures };
  const row = { scenario: scenario.name, key: scenario.key, strictDuplicates: Boolean(scenario.strictDuplicates), orderNotGuaranteed: scenario.orderNotGuaranteed, events: load.events, expected: 0, delivered: 0, lost: 0, extra: 0, duplicates: 0, firedTwice: 0, orderViolations: 0, badSignatures: 0, poison: '', seconds: 0, restarts: 0 };
  try {
    await services.startAll();
    const defs = definitions(`${receiver.url}/${runId}`, { scheduleAt: Date.now() + 3_600_000, notFollowedWithin: `PT${NOT_FOLLOWED_WITHIN_MS / 1000}S` });
    for (const w of defs.webhooks) await api.call('POST', '/v1/webhooks', w);
    await api.call('POST', '/v1/segments', defs.segment);
    for (const c of defs.campaigns) await api.call('POST', '/v1/campaigns', c);

    // Profiles first (the scheduled campaign's audience), straight to Kafka.
    for (let i = 0; i < load.profiles.length; i += 1_000) {
      await producer.send(load.profiles.slice(i, i + 1_000).map((p) => recordOutput(Topics.customerProfiles, p.customerId, { customerId: p.customerId, attributes: JSON.stringify(p.attributes), updatedAt: Date.now() })));
    }
    const gold = load.expected['f-sched'];
    for (let t = 0; ; t++) {
      const { members: size } = await api.call('GET', '/v1/segments/f-gold/size');
      if (size >= gold) break;
      if (t > 300) throw new Error(`segment f-gold has ${size} of ${gold} members after 5 min`);
      await sleep(1_000);
    }
    // The schedule fires while events flow, so a fault may hit its fan-out.
    const expectedSeconds = load.events / rate;
    await api.call('POST', '/v1/campaigns', { ...defs.scheduled, trigger: { ...defs.scheduled.trigger, at: new Date(Date.now() + Math.max(5, expectedSeconds * 0.45) * 1000).toISOString() } });

    let injected;
    let onDemand;
    const sendStarted = Date.now();
    const sending = sendEvents({
      load,
      ingestUrl: () => services.get('ingest').url,
      adminKey,
      producer,
      eventsTopic: Topics.customerEvents,
      recordOutput,
      ratePerSecond: rate,
      onProgress: (sent) => {
        if (!injected && sent >= load.events * 0.4) {
          log(`${scenario.key}: injecting at ${sent} events`);
          injected = scenario.inject({
            infra, services, receiver, log, env: services.env,
            writePoison: () => writePoisonRecords({ runId, infra, modules, producer, serde, settings }),
          });
        }
        if (!onDemand && sent >= load.events * 0.5) onDemand = triggerOnDemand(api, load.onDemandIds, runId);
      },
    });
    await sending;
    // How long Kafka and ingest took to accept the events (the rate alone would take events / rate).
    row.sendSeconds = Math.round((Date.now() - sendStarted) / 1000);
    await injected;
    await onDemand;
    log(`${scenario.key}: all ${load.events} events accepted in ${((Date.now() - started) / 1000).toFixed(0)} s; waiting for the webhooks`);

    const counts = () => Object.fromEntries(Object.keys(load.expected).map((c) => [c, receiver.countFor(`${c}`, runId)]));
    // Campaigns whose state the scenario wipes by design are reported, not waited for: sequence
    // progress and timers (all-of, not-followed-by) and a fan-out's progress (a schedule firing
    // while Redis is emptied abandons the rest of its audience; docs/reliability.md).
    const judged = (campaign) => !(scenario.lossyState && ['f-allof', 'f-nfb', 'f-sched'].includes(campaign));
    const done = () => Object.entries(load.expected).every(([c, n]) => !judged(c) || receiver.countFor(c, runId) >= n);
    const deadline = Date.now() + settleTimeoutMs;
    while (!done() && Date.now() < deadline) await sleep(2_000);
    if (!done()) await logOpenRecords(services);
    await sleep(10_000); // late extras and duplicates still count
    row.diagnostics = { ...(await countersOf(services, DIAGNOSTIC_COUNTERS)), ...(await outcomesOf(services, 'wh-nfb')) };
    const got = counts();
    // A once-per-customer campaign is judged customer by customer (a wrong firing must not hide
    // a missing one in the totals); the per-purchase campaign by its count of distinct webhooks.
    const missing = {};
    const wrong = {};
    for (const [campaign, expected] of Object.entries(load.expected)) {
      const lossy = !judged(campaign);
      const should = load.firesFor[campaign];
      const reached = new Set(receiver.customersOf(campaign, runId));
      missing[campaign] = should ? [...should].filter((customer) => !reached.has(customer)) : [];
      wrong[campaign] = should ? [...reached].filter((customer) => !should.has(customer)) : [];
      const lost = should ? missing[campaign].length : Math.max(0, expected - got[campaign]);
      row.expected += expected;
      row.delivered += expected - lost;
      if (!lossy) row.lost += lost;
      if (!lossy) row.extra += should ? wrong[campaign].length : Math.max(0, got[campaign] - expected);
      row.firedTwice += receiver.firedMoreThanOnce(campaign, runId);
    }
    row.byCampaign = Object.fromEntries(Object.entries(load.expected).map(([c, n]) => [c, `${got[c]}/${n}`]));
    // Customers a once-per-customer campaign reached though it should not have (what `extra` counts), and ones it missed.
    row.extraSamples = Object.entries(wrong).flatMap(([c, customers]) => customers.slice(0, 10).map((customer) => `${c}:${customer}`));
    row.lostSamples = Object.entries(missing).flatMap(([c, customers]) => customers.slice(0, 10).map((customer) => `${c}:${customer}`));
    // A "did not buy" to a buyer whose purchase was accepted only after the wait's deadline is
    // late data, not a wrong firing (the generator kept retrying a write Kafka or ingest refused):
    // counted apart, with when the purchase was appended.
    const wrongNfb = wrong['f-nfb'];
    row.late = 0;
    if (wrongNfb.length > 0 && judged('f-nfb')) {
      const timing = await followUpTiming({ runId, infra, modules, serde, customers: wrongNfb, withinMs: NOT_FOLLOWED_WITHIN_MS });
      row.late = timing.filter((t) => t.late).length;
      row.extra = Math.max(0, row.extra - row.late);
      row.wrongNfbTiming = timing.slice(0, 10).map((t) => `${t.customer}${t.late ? ' (late)' : ''}: ${t.detail}`);
    }
    row.duplicates = receiver.duplicates - before.duplicates;
    row.duplicateSamples = receiver.duplicateSamples.filter((d) => d.url?.startsWith(`/${runId}/`));
    row.orderSamples = receiver.orderViolations.filter((v) => v.run === runId).slice(0, 5);
    row.badSignatures = receiver.badSignatures - before.bad;
    row.orderViolations = receiver.orderViolationsFor(runId);
    if (scenario.poison) {
      const letters = await readDeadLetters({ runId, infra, modules, serde });
      row.poison = `${letters.found}/${letters.expected}`;
      row.poisonDetail = letters.detail;
    }
  } catch (error) {
    row.error = error.message;
    log(`${scenario.key}: FAILED: ${error.stack}`);
  } finally {
    row.restarts = [...services.services.values()].reduce((n, s) => n + s.restarts, 0);
    row.seconds = Math.round((Date.now() - started) / 1000);
    await services.stopAll();
    await producer.close().catch(() => undefined);
    if (infra.deleteTopics) await infra.deleteTopics(`${runId}.`).catch((error) => log(`topic cleanup: ${error.message}`));
  }
  return row;
}

/** Counters that explain a result, summed over the processes still running at the end (a killed one's are gone). */
const DIAGNOSTIC_COUNTERS = ['cuewire_kafka_fetch_rewinds_total', 'cuewire_dispatch_order_holds_expired_total', 'cuewire_kafka_records_dead_lettered_total'];

async function countersOf(services, names) {
  const sums = Object.fromEntries(names.map((n) => [n, 0]));
  for (const s of services.services.values()) {
    if (!s.running) continue;
    const text = await fetch(`${s.url}/metrics`, { signal: AbortSignal.timeout(5_000) }).then((r) => r.text()).catch(() => '');
    for (const line of text.split('\n')) {
      const name = names.find((n) => line.startsWith(`${n}{`) || line.startsWith(`${n} `));
      if (name) sums[name] += Number(line.split(' ').at(-1)) || 0;
    }
  }
  return sums;
}

/** A webhook's delivery outcomes (`nfb DELIVERED`, `nfb SKIPPED_DUPLICATE`, …), summed over the processes still running. */
async function outcomesOf(services, webhookId) {
  const sums = {};
  const pattern = new RegExp(`^cuewire_delivery_outcomes_total\\{webhook="${webhookId}",outcome="([A-Z_]+)"\\} (\\d+)`);
  for (const s of services.services.values()) {
    if (!s.running) continue;
    const text = await fetch(`${s.url}/metrics`, { signal: AbortSignal.timeout(5_000) }).then((r) => r.text()).catch(() => '');
    for (const line of text.split('\n')) {
      const match = pattern.exec(line);
      if (match) sums[`${webhookId} ${match[1]}`] = (sums[`${webhookId} ${match[1]}`] ?? 0) + Number(match[2]);
    }
  }
  return sums;
}

/** When a run does not settle: each process's consume loops holding a record open for over a minute (from its metrics). */
async function logOpenRecords(services) {
  for (const s of services.services.values()) {
    if (!s.running) continue;
    const text = await fetch(`${s.url}/metrics`, { signal: AbortSignal.timeout(5_000) }).then((r) => r.text()).catch(() => '');
    const open = text.split('\n').filter((l) => l.startsWith('cuewire_kafka_oldest_open_record_seconds') && Number(l.split(' ').at(-1)) > 60);
    if (open.length > 0) log(`${s.name} (pid ${s.child.pid}) holds records open: ${open.map((l) => l.replace('cuewire_kafka_oldest_open_record_seconds', '')).join(', ')}`);
  }
}

/**
 * Fires the on-demand campaign for its customers, 50 at a time, each request retried with the same
 * idempotency key (unique to the run: a key names a firing, so runs must not share one).
 */
async function triggerOnDemand(api, ids, runId) {
  for (let i = 0; i < ids.length; i += 50) {
    await api.call('POST', '/v1/campaigns/f-ondemand/trigger', { customerIds: ids.slice(i, i + 50) }, { 'idempotency-key': `${runId}-${i}` });
  }
}

function printTable(rows) {
  const cols = [
    ['scenario', (r) => r.scenario],
    ['events', (r) => r.events.toLocaleString('en-US')],
    ['expected', (r) => r.expected.toLocaleString('en-US')],
    ['delivered', (r) => r.delivered.toLocaleString('en-US')],
    ['lost', (r) => String(r.lost)],
    ['duplicates (same id)', (r) => String(r.duplicates)],
    ['fired twice', (r) => String(r.firedTwice)],
    ['extra', (r) => String(r.extra)],
    ['late follow-ups', (r) => String(r.late ?? 0)],
    ['order violations', (r) => String(r.orderViolations)],
    ['bad signatures', (r) => String(r.badSignatures)],
    ['poison → DLQ', (r) => r.poison || '–'],
    ['s', (r) => String(r.seconds)],
    ['result', (r) => (r.error ? `error: ${r.error.slice(0, 60)}` : verdict(r))],
  ];
  const lines = [`| ${cols.map(([h]) => h).join(' | ')} |`, `| ${cols.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${cols.map(([, f]) => f(r)).join(' | ')} |`)];
  console.log(lines.join('\n'));
}

export function verdict(r) {
  const problems = [];
  if (r.lost > 0) problems.push('LOST');
  if (r.strictDuplicates && r.duplicates > 0) problems.push('duplicates after a graceful stop');
  if (r.firedTwice > 0) problems.push('fired twice');
  // A firing nobody should have had (a "did not buy" for a customer who bought).
  if (r.extra > 0) problems.push('extra firings');
  if (r.orderViolations > 0 && !r.orderNotGuaranteed) problems.push('order');
  if (r.badSignatures > 0) problems.push('signatures');
  if (r.poison && r.poison.split('/')[0] !== r.poison.split('/')[1]) problems.push('poison');
  return problems.length ? `FAIL (${problems.join(', ')})` : 'ok';
}

function writeResults(opts, rows) {
  const out = path.join(REPO, '.cuewire', 'faults', 'results.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify({ at: new Date().toISOString(), options: opts, rows }, null, 2));
  return out;
}

async function main() {
  const { values: opts } = parseArgs({
    options: {
      events: { type: 'string', default: '100000' },
      rate: { type: 'string', default: '1500' },
      only: { type: 'string' },
      list: { type: 'boolean', default: false },
      'settle-timeout': { type: 'string', default: '300' },
      cluster: { type: 'boolean', default: false },
    },
  });
  if (opts.list) {
    for (const s of SCENARIOS) console.log(`${s.key.padEnd(22)} ${s.name}${s.needsCluster ? ' (--cluster only)' : ''}`);
    return;
  }
  const named = opts.only ? SCENARIOS.filter((s) => opts.only.split(',').includes(s.key)) : SCENARIOS;
  if (named.length === 0) throw new Error(`no scenario matches --only ${opts.only} (see --list)`);
  const chosen = named.filter((s) => {
    const why = skipReason(s, { cluster: opts.cluster });
    if (why) log(`skipping ${s.key}: ${why}`);
    return !why;
  });
  if (chosen.length === 0) throw new Error('every scenario chosen was skipped (see above)');
  if (!fs.existsSync(path.join(REPO, 'dist', 'apps', 'dispatcher', 'src', 'main.js'))) throw new Error('run `npm run build` first (npm run faults does)');
  const modules = await builtModules();
  const infra = opts.cluster
    ? new ClusterInfrastructure({ stateDir: path.join(REPO, '.cuewire', 'faults', 'cluster-infra'), log })
    : new OwnInfrastructure({ stateDir: path.join(REPO, '.cuewire', 'faults', 'infra'), log });
  const replicas = opts.cluster ? CLUSTER_REPLICAS : {};
  log(opts.cluster
    ? `starting three Kafka brokers, registry and a Redis Cluster (3 masters + replicas, AOF) of the fault suite, from empty; replicas ${JSON.stringify(replicas)}`
    : 'starting Kafka, registry and Redis (AOF) of the fault suite, from empty');
  // An interrupted run still stops its brokers and Redis nodes (they run detached); the services exit with this process.
  const interrupted = async (signal) => {
    log(`${signal}: stopping the infrastructure`);
    await infra.down().catch(() => undefined);
    process.exit(130);
  };
  process.once('SIGINT', interrupted).once('SIGTERM', interrupted);
  await infra.fresh();
  const receiver = await new SignedReceiver(SECRET).start();
  const rows = [];
  try {
    await infra.up();
    for (const scenario of chosen) {
      log(`scenario ${scenario.key}: ${scenario.name}`);
      const row = await runScenario(scenario, { infra, receiver, events: Number(opts.events), rate: Number(opts.rate), settleTimeoutMs: Number(opts['settle-timeout']) * 1000, modules, replicas });
      rows.push(row);
      log(`${scenario.key}: ${row.error ? `ERROR (${row.error.split('\n')[0]})` : verdict(row)} ${JSON.stringify(row.byCampaign ?? {})}${row.poisonDetail ? ` poison ${JSON.stringify(row.poisonDetail)}` : ''} ${JSON.stringify(row.diagnostics ?? {})}`);
      if (row.duplicates > 0) log(`${scenario.key}: duplicate samples ${JSON.stringify(row.duplicateSamples)}`);
      if (row.orderViolations > 0) log(`${scenario.key}: order samples ${JSON.stringify(row.orderSamples)}`);
      if (row.extraSamples?.length > 0) log(`${scenario.key}: wrong firings ${JSON.stringify(row.extraSamples)}`);
      if (row.lostSamples?.length > 0) log(`${scenario.key}: customers a campaign missed ${JSON.stringify(row.lostSamples)}`);
      if (row.wrongNfbTiming) log(`${scenario.key}: "did not buy" to buyers, when their purchase was appended: ${JSON.stringify(row.wrongNfbTiming)}`);
      // Written after every scenario, so a long run that is stopped keeps what it measured.
      writeResults(opts, rows);
      // A scenario that killed infrastructure leaves it running again for the next one.
      await infra.up();
    }
  } finally {
    await receiver.close();
    await infra.down();
  }
  const out = writeResults(opts, rows);
  console.log(`\nReproduce: npm run faults -- --events ${opts.events} --rate ${opts.rate}${opts.only ? ` --only ${opts.only}` : ''}${opts.cluster ? ' --cluster' : ''}\n`);
  printTable(rows);
  console.log(`\n(details in ${path.relative(REPO, out)})`);
  process.exitCode = rows.some((r) => r.error || verdict(r) !== 'ok') ? 1 : 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
