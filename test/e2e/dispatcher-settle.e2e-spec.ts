import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { isolatedRun, ServiceProcess, waitFor } from '@cuewire/testing';
import { dispatcherHarness } from './dispatcher-harness.js';

/**
 * Writes after an HTTP attempt (the outcome, the next attempt's record, the delivery log) are
 * retried on their own until durable. Before, a failed write re-ran the whole step: the request
 * went out again and every re-run queued another retry, forking retry chains.
 */
describe('dispatcher: a failure after the attempt', () => {
  const user = `disp-${Math.random().toString(36).slice(2, 8)}`;
  const base = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:16379');
  const { env } = isolatedRun('dsettle', { DISPATCH_ALLOW_PRIVATE_CIDRS: '127.0.0.0/8' });
  const prefix = env.REDIS_KEY_PREFIX;
  const harness = dispatcherHarness(env);
  const admin = new Redis(base.toString());
  const services: ServiceProcess[] = [];
  let server: Server;
  let requests = 0;

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await harness.producer.close();
    await admin.call('ACL', 'DELUSER', user).catch(() => undefined);
    await admin.quit();
    server?.close();
  });

  it('attempts once per scheduled attempt when writing the delivery log fails for a while', async () => {
    await admin.call('ACL', 'SETUSER', user, 'on', '>pw', '~*', '&*', '+@all');
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        requests++;
        if (requests === 1) {
          // Right after the first attempt the dispatcher may write everything but its delivery log.
          void admin.call('ACL', 'SETUSER', user, 'resetkeys', '%R~*', `%W~${prefix}delivered:*`, `%W~${prefix}endpoint-*`, `%W~${prefix}delivery-request:*`);
          setTimeout(() => void admin.call('ACL', 'SETUSER', user, 'resetkeys', '~*'), 3_000);
        }
        res.writeHead(503).end('down');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;

    const controlPlane = await ServiceProcess.start('control-plane', env);
    services.push(controlPlane);
    await harness.createWebhook(controlPlane, { id: 'flaky', url, body: '{}', retry: { schedule: ['1s', '1s'] } });
    const dispatcherUrl = new URL(base.toString());
    dispatcherUrl.username = user;
    dispatcherUrl.password = 'pw';
    services.push(await ServiceProcess.start('dispatcher', { ...env, REDIS_URL: dispatcherUrl.toString() }));

    await harness.send([harness.request('flaky', url)]);
    await waitFor('three attempts', () => requests >= 3, 60_000);
    await sleep(6_000); // a forked chain would keep sending
    expect(requests).toBe(3);
  });
});
