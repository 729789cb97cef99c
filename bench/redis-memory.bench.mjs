// Redis memory per customer and per campaign state, measured: writes N customers' state with the
// services' key layout (RedisKeys) into a Redis of its own and reads INFO memory after each kind.
//
//   npm run build && node bench/redis-memory.bench.mjs [--customers 100000] [--port 25390]
//
// The figures are per item on one node; a Redis Cluster spreads them over its masters (and each
// replica holds its master's again). docs/scaling.md extrapolates them per 1,000,000 customers.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { RedisKeys } from '../dist/libs/redis/src/index.js';
import { redisPing, sleep, stopPid, waitFor } from '../tools/infra/process.mjs';
import { profileJson, rng } from './lib/campaign-engine/fixtures.mjs';
import { benchOptions } from './lib/options.mjs';

const opts = benchOptions('redis-memory', { customers: 100_000, port: 25390, segments: 20, campaigns: 100 });
const N = opts.customers;
const id = (i) => `c${String(i).padStart(7, '0')}`;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cuewire-redis-memory-'));
const server = spawn('redis-server', ['--port', String(opts.port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
try {
  await waitFor(() => redisPing('127.0.0.1', opts.port), { timeoutMs: 10_000, pid: server.pid, what: 'redis-server' });
  const redis = new Redis({ host: '127.0.0.1', port: opts.port, keyPrefix: 'cw:' });
  const used = async () => Number(/used_memory:(\d+)/.exec(await redis.info('memory'))[1]);
  const r = rng(1);
  const rows = [];

  /** Runs `write(i, pipeline)` for i < count, chunked, and records the memory it added per item. */
  async function measure(what, count, write, unit = 'customer') {
    const before = await used();
    for (let start = 0; start < count; start += 5_000) {
      const pipeline = redis.pipeline();
      for (let i = start; i < Math.min(count, start + 5_000); i++) write(i, pipeline);
      for (const [error] of await pipeline.exec()) if (error) throw error;
    }
    await sleep(200);
    const perItem = ((await used()) - before) / count;
    rows.push({ what, unit, perItem });
    console.error(`${what}: ${perItem.toFixed(0)} B per ${unit}`);
  }

  await measure('profile (JSON document, 8 attributes)', N, (i, p) => p.set(RedisKeys.profile(id(i)), profileJson(r, i)));
  // Two segments per customer: the customer's set and the segments' member sets.
  await measure('segment membership (2 segments each, both directions)', N, (i, p) => {
    const segments = [`seg-${i % opts.segments}`, `seg-${(i * 7 + 3) % opts.segments}`];
    p.sadd(RedisKeys.segments(id(i)), ...segments);
    for (const s of segments) p.zadd(RedisKeys.segmentMembers(s), 0, id(i));
  });
  const event = (i) => ({ eventId: `evt-${i}-0001`, customerId: id(i), type: 'cart_add', occurredAt: 1_764_000_000_000 + i, receivedAt: 1_764_000_000_100 + i, source: 'api', properties: JSON.stringify({ sku: `sku-${i % 5000}`, price: 19.99 }) });
  await measure('sequence state (customer × all-of/not-followed-by campaign, one event held)', N, (i, p) => {
    const record = { campaignVersion: 1, trigger: { type: 'not-followed-by', first: { eventType: 'cart_add' }, then: { eventType: 'purchase' }, withinMs: 3_600_000 }, state: { startedAt: 1_764_000_000_000 + i }, events: { cart_add: event(i) } };
    p.hset(RedisKeys.sequenceState(id(i), `camp-${i % opts.campaigns}`), 'rev', '1', 'data', JSON.stringify(record));
    p.expire(RedisKeys.sequenceState(id(i), `camp-${i % opts.campaigns}`), 35 * 86_400);
  }, 'customer × campaign');
  await measure('durable timer (not-followed-by deadline)', N, (i, p) => p.zadd(RedisKeys.dueTimers(), 1_764_003_600_000 + i, `nfb:camp-${i % opts.campaigns}:${id(i)}:evt-${i}-0001`), 'timer');
  await measure('campaign history (3 firings kept)', N, (i, p) => {
    for (let k = 0; k < 3; k++) p.zadd(RedisKeys.campaignHistory(id(i)), 1_764_000_000_000 + k, `camp-${(i + k) % opts.campaigns}\u0000trg_${i}_${k}_0123456789abcdef`);
  });
  await measure('delivered mark (per delivery, until its TTL)', N, (i, p) => p.set(RedisKeys.deliveredMark(`wh-${i % 10}`, `dlv_${i}_0123456789abcdef01234567`), '1764000000000', 'EX', 7 * 86_400), 'delivery');
  await measure('ingest dedupe mark (per client event id, until its TTL)', N, (i, p) => p.set(RedisKeys.ingestedEventMark(id(i), `client-evt-${i}`), '1', 'EX', 86_400), 'event');

  // MEMORY USAGE's key is not prefixed by ioredis.
  const sample = await redis.memory('USAGE', `cw:${RedisKeys.profile(id(42))}`);
  const total = await used();
  await redis.quit();
  console.log(`\n${execFileSync('redis-server', ['--version']).toString().trim()}; ${N.toLocaleString('en-US')} items of each kind\n`);
  console.log('| state | bytes per item | per 1,000,000 |');
  console.log('| --- | ---: | ---: |');
  for (const row of rows) console.log(`| ${row.what} | ${row.perItem.toFixed(0)} per ${row.unit} | ${((row.perItem * 1_000_000) / 2 ** 20).toFixed(0)} MiB |`);
  console.log(`\nMEMORY USAGE of one profile key: ${sample} B; used_memory at the end: ${(total / 2 ** 20).toFixed(0)} MiB`);
} finally {
  await stopPid(server.pid, { timeoutMs: 5_000 });
  fs.rmSync(dir, { recursive: true, force: true });
}
