import { builtModules, runScenario, verdict, type FaultRow } from '../../tools/faults/run.mjs';
import { SCENARIOS } from '../../tools/faults/scenarios.mjs';
import { SignedReceiver } from '../../tools/pipeline/signed-receiver.mjs';
import { SECRET } from '../../tools/pipeline/workload.mjs';

// The short version of `npm run faults` (which runs every scenario with 100,000 events on its
// own Kafka, registry and Redis): the scenarios that need no infrastructure of their own, with
// a few thousand events, on the test servers. Every webhook expected arrives, signed, once per
// id, in per-customer order; poison records of every kind land in the dead-letter topic.
const infra = {
  kafkaBrokers: process.env.KAFKA_BROKERS ?? '127.0.0.1:19092',
  schemaRegistryUrl: process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:18081/apis/ccompat/v7',
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:16379',
};

describe('fault suite (short version)', () => {
  let receiver: SignedReceiver;
  let modules: Record<string, unknown>;

  beforeAll(async () => {
    receiver = await new SignedReceiver(SECRET).start();
    modules = await builtModules();
  });
  afterAll(async () => {
    await receiver.close();
  });

  const run = async (key: string): Promise<FaultRow> => {
    const scenario = SCENARIOS.find((s) => s.key === key)!;
    const row = await runScenario(scenario, { infra, receiver, events: 2_000, rate: 800, settleTimeoutMs: 150_000, modules });
    console.log(`${row.scenario}: ${verdict(row)} ${JSON.stringify({ ...row, poisonDetail: undefined })}`);
    return row;
  };

  const expectNothingLost = (row: FaultRow) => {
    expect(row.error).toBeUndefined();
    expect(row.lost).toBe(0);
    expect(row.delivered).toBe(row.expected);
    expect(row.firedTwice).toBe(0);
    expect(row.orderViolations).toBe(0);
    expect(row.badSignatures).toBe(0);
  };

  it('kill -9 of the dispatcher mid-run loses nothing (duplicates only with the same webhook-id)', async () => {
    expectNothingLost(await run('kill-dispatcher'));
  }, 600_000);

  it('SIGTERM of the evaluator mid-run finishes its work: nothing lost, nothing sent twice', async () => {
    const row = await run('term-evaluator');
    expectNothingLost(row);
    expect(row.duplicates).toBe(0);
  }, 600_000);

  it('the hot path handed over to one process mid-run, then kill -9 of that process: nothing lost', async () => {
    expectNothingLost(await run('single-process'));
  }, 600_000);

  it('poison records of every kind in every input topic are dead-lettered and everything else delivered', async () => {
    const row = await run('poison');
    expectNothingLost(row);
    expect(row.poison).toBe('16/16');
  }, 600_000);
});
