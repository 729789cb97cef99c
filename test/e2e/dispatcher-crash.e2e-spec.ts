import { HttpReceiver, isolatedRun, ServiceProcess, waitFor } from '@cuewire/testing';
import { dispatcherHarness } from './dispatcher-harness.js';

/**
 * kill -9 of the dispatcher during a 10,000-delivery run, then a restart: every delivery
 * arrives at least once, and any duplicate carries the same webhook-id.
 */
describe('dispatcher crash in the middle of a run', () => {
  const { env } = isolatedRun('dcrash', { DISPATCH_ALLOW_PRIVATE_CIDRS: '127.0.0.0/8', DISPATCH_ENDPOINT_CONCURRENCY: '64' });
  const harness = dispatcherHarness(env);
  const total = 10_000;
  const services: ServiceProcess[] = [];
  let receiver: HttpReceiver;

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await harness.producer.close();
    await receiver?.stop();
  });

  it('delivers every request at least once across kill -9 and restart', async () => {
    receiver = await HttpReceiver.start();
    const controlPlane = await ServiceProcess.start('control-plane', env);
    services.push(controlPlane);
    await harness.createWebhook(controlPlane, { id: 'sink', url: `${receiver.url}/sink`, body: '{}' });
    const requests = Array.from({ length: total }, (_, i) => harness.request('sink', `${receiver.url}/sink`, `c-${i % 100}`));
    for (let i = 0; i < total; i += 1_000) await harness.send(requests.slice(i, i + 1_000));

    const first = await ServiceProcess.start('dispatcher', env);
    const started = Date.now();
    await waitFor('a quarter of the deliveries', () => receiver.requests.length >= total / 4, 90_000);
    const quarterMs = Date.now() - started;
    await first.kill();
    const atKill = receiver.requests.length;
    expect(atKill).toBeLessThan(total);

    services.push(await ServiceProcess.start('dispatcher', env));
    const restarted = Date.now();
    const arrived = () => new Set(receiver.requests.map((r) => (JSON.parse(r.body) as { deliveryId: string }).deliveryId));
    await waitFor('every delivery', () => arrived().size >= total, 120_000, 250);

    const delivered = arrived();
    const restMs = Date.now() - restarted;
    const missing = requests.filter((r) => !delivered.has(r.deliveryId));
    expect(missing).toEqual([]);
    // Every copy of a delivery carries that delivery's id as webhook-id.
    for (const r of receiver.requests) expect(r.headers['webhook-id']).toBe((JSON.parse(r.body) as { deliveryId: string }).deliveryId);
    console.log(
      `dispatcher crash: ${atKill} delivered before the kill (first ${total / 4} in ${quarterMs} ms), the rest ${restMs} ms after the restart, ` +
        `${receiver.requests.length - total} duplicate(s)`,
    );
  });
});
