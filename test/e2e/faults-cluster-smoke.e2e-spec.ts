import path from 'node:path';
import { ClusterInfrastructure } from '../../tools/pipeline/cluster-infra.mjs';
import { builtModules, runScenario, verdict, type FaultRow } from '../../tools/faults/run.mjs';
import { SCENARIOS } from '../../tools/faults/scenarios.mjs';
import { SignedReceiver } from '../../tools/pipeline/signed-receiver.mjs';
import { SECRET } from '../../tools/pipeline/workload.mjs';

// The short version of `npm run faults -- --cluster`: three Kafka brokers (RF 3, min ISR 2), the
// registry and a Redis Cluster of three masters with a replica each, all started here from
// empty on ports of their own, with two replicas of segmenter, evaluator, renderer and
// dispatcher. `cluster-chaos` kills -9 and replaces a replica of each of the four services, kills
// -9 a broker and a Redis master (failover; the one holding the durable timers and some
// customers' state), while events flow; every webhook expected must arrive, signed, once per id, in per-customer
// order, and no "did not buy" may reach a buyer.
const REPLICAS = { segmenter: 2, 'campaign-evaluator': 2, renderer: 2, dispatcher: 2 };
const EVENTS = 2_000;
// Slow enough that the events are still flowing through all three faults (injected at 40 %).
const RATE = 60;

describe('fault suite on clusters (short version)', () => {
  const infra = new ClusterInfrastructure({
    stateDir: path.join(import.meta.dirname, '..', '..', '.cuewire', 'faults', 'cluster-smoke-infra'),
    kafkaPort: 27092,
    registryPort: 27081,
    redisPort: 27479,
    log: (msg: string) => console.log(`[cluster] ${msg}`),
  });
  let receiver: SignedReceiver;

  beforeAll(async () => {
    await infra.fresh();
    await infra.up();
    receiver = await new SignedReceiver(SECRET).start();
  }, 600_000);
  afterAll(async () => {
    await receiver?.close();
    await infra.down();
  }, 120_000);

  it('replicas replaced, a broker and a Redis master killed -9 while events flow: nothing lost, nothing extra, order kept', async () => {
    const scenario = SCENARIOS.find((s) => s.key === 'cluster-chaos')!;
    const row: FaultRow = await runScenario(scenario, { infra, receiver, events: EVENTS, rate: RATE, settleTimeoutMs: 420_000, modules: await builtModules(), replicas: REPLICAS });
    console.log(`${row.scenario}: ${verdict(row)} ${JSON.stringify(row)}`);
    expect(row.error).toBeUndefined();
    expect(row.lost).toBe(0);
    expect(row.delivered).toBe(row.expected);
    expect(row.extra).toBe(0);
    expect(row.firedTwice).toBe(0);
    expect(row.orderViolations).toBe(0);
    expect(row.badSignatures).toBe(0);
    // The load generator writes half the events with the product's producer: one that retried a
    // send forever against a partition's former leader held the rest back for minutes.
    expect(row.sendSeconds).toBeLessThan(EVENTS / RATE + 90);
  }, 900_000);
});
