import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { isolatedRun, LateForwarder, ServiceProcess } from '@cuewire/testing';

/**
 * A process started while Kafka is unreachable (a replica started during a broker outage) waits
 * for it instead of failing its start. The broker is reached through a forwarder that refuses
 * connections until the test opens it.
 */
describe('start-up while Kafka is unreachable', () => {
  let forwarder: LateForwarder;
  beforeEach(async () => (forwarder = await LateForwarder.toTestBroker()));
  afterEach(() => forwarder.close());

  it('a segmenter started before the broker is reachable creates its topics once it is, and becomes ready', async () => {
    const run = isolatedRun('startup-topics');
    const starting = ServiceProcess.start('segmenter', { ...run.env, KAFKA_BROKERS: forwarder.address }, 120_000);
    let outcome: 'ready' | Error | undefined;
    starting.then(
      () => (outcome = 'ready'),
      (error: Error) => (outcome = error),
    );
    // Each attempt fails after about 3 s; without the retry the process would have exited by now.
    await sleep(8_000);
    expect(outcome).toBeUndefined();
    await forwarder.open();
    const segmenter = await starting;
    try {
      expect(readFileSync(segmenter.logFile, 'utf8')).toMatch(/creating the topics failed \(\d+\); retrying/);
    } finally {
      await segmenter.kill();
    }
  }, 150_000);
});
