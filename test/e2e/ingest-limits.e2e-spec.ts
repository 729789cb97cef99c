import { Redis } from 'ioredis';
import { authHeaders, isolatedRun, ServiceProcess, waitFor } from '@cuewire/testing';

interface Problem {
  status: number;
  title: string;
  detail: string;
  limit: string;
  max: number;
  errors: { path: string; message: string; line?: number }[];
}

/**
 * Size bounds at the ingest edge, with ingest and the segmenter as real processes: an oversized
 * event is a 413 for its own request (the requests that share its produce round trip still get
 * their 202), and a profile PATCH that would take the profile past its bounds is a 413 naming
 * the limit, while the segmenter keeps the stored profile within them.
 */
describe('ingest: size limits', () => {
  const { id: run, env } = isolatedRun('e2e-limits', { PROFILE_MAX_ATTRIBUTES: '5', PROFILE_MAX_BYTES: '2048', LOG_LEVEL: 'warn' });
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { keyPrefix: env.REDIS_KEY_PREFIX });
  let ingest: ServiceProcess;
  let segmenter: ServiceProcess;
  const post = (path: string, body: unknown, method = 'POST', contentType = 'application/json') =>
    fetch(`${ingest.url}${path}`, { method, headers: authHeaders({ 'content-type': contentType }), body: typeof body === 'string' ? body : JSON.stringify(body) });
  const event = (n: number, blobBytes = 10) => ({ customerId: `c-${run}-${n}`, type: 'page_view', properties: { blob: 'x'.repeat(blobBytes) } });

  beforeAll(async () => {
    [ingest, segmenter] = await ServiceProcess.startAll(['ingest', 'segmenter'], env);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([ingest?.stop(), segmenter?.stop()]);
    redis.disconnect();
  });

  describe('events', () => {
    it('answers 413 for an event too large for Kafka, alone: the requests sent at the same moment are accepted', async () => {
      const small = Array.from({ length: 40 }, (_, n) => post('/v1/events', event(n)));
      const big = post('/v1/events', event(1_000, 1_500_000));
      const more = Array.from({ length: 40 }, (_, n) => post('/v1/events', event(100 + n)));
      const [bigAnswer, ...others] = await Promise.all([big, ...small, ...more]);
      expect(bigAnswer.status).toBe(413);
      expect(bigAnswer.headers.get('content-type')).toMatch(/application\/problem\+json/);
      const problem = (await bigAnswer.json()) as Problem;
      expect(problem).toMatchObject({ status: 413, limit: 'INGEST_MAX_EVENT_BYTES', max: 524_288 });
      expect(problem.errors).toEqual([{ path: '$.properties', message: expect.stringMatching(/is \d+ bytes; at most 524288 \(INGEST_MAX_EVENT_BYTES\)/) }]);
      expect(others.map((r) => r.status)).toEqual(Array(80).fill(202));
    });

    it('names the oversized event of an array by its index, and stores none of the array', async () => {
      const res = await post('/v1/events', [event(1), event(2, 600_000)]);
      expect(res.status).toBe(413);
      expect(((await res.json()) as Problem).errors).toEqual([{ path: '$[1].properties', message: expect.stringMatching(/INGEST_MAX_EVENT_BYTES/) }]);
    });

    it('reports an oversized NDJSON line by its number and accepts the others', async () => {
      const lines = [event(1), event(2, 600_000), event(3)].map((e) => JSON.stringify(e)).join('\n');
      const res = await post('/v1/events/bulk', lines, 'POST', 'application/x-ndjson');
      expect(res.status).toBe(202);
      expect(await res.json()).toMatchObject({ lines: 3, accepted: 2, rejected: 1, errors: [{ line: 2, path: '$.properties', message: expect.stringMatching(/INGEST_MAX_EVENT_BYTES/) }] });
    });
  });

  describe('profiles', () => {
    const customer = `p-${run}`;
    const stored = async () => JSON.parse((await redis.get(`profile:{${customer}}`)) ?? '{}') as Record<string, unknown>;

    it('refuses a PATCH with more attributes than a profile may hold, naming PROFILE_MAX_ATTRIBUTES', async () => {
      const res = await post(`/v1/customers/${customer}`, { attributes: { a: 1, b: 2, c: 3, d: 4, e: 5, f: 6 } }, 'PATCH');
      expect(res.status).toBe(413);
      expect(await res.json()).toMatchObject({ limit: 'PROFILE_MAX_ATTRIBUTES', max: 5, errors: [{ path: '$.attributes', message: expect.stringMatching(/would hold 6 attributes; at most 5/) }] });
    });

    it('refuses a PATCH that would take the stored profile past its bounds, and the profile stays as it was', async () => {
      expect((await post(`/v1/customers/${customer}`, { attributes: { a: 1, b: 2, c: 3, d: 4 } }, 'PATCH')).status).toBe(202);
      await waitFor('the segmenter to store the profile', async () => Object.keys(await stored()).length === 4, 30_000);
      const tooMany = await post(`/v1/customers/${customer}`, { attributes: { e: 5, f: 6 } }, 'PATCH');
      expect(tooMany.status).toBe(413);
      expect(((await tooMany.json()) as Problem).limit).toBe('PROFILE_MAX_ATTRIBUTES');
      const tooBig = await post(`/v1/customers/${customer}`, { attributes: { a: 'x'.repeat(3_000) } }, 'PATCH');
      expect(tooBig.status).toBe(413);
      expect(await tooBig.json()).toMatchObject({ limit: 'PROFILE_MAX_BYTES', max: 2048 });
      // Replacing and removing within the bounds still works.
      expect((await post(`/v1/customers/${customer}`, { attributes: { a: null, e: 5 } }, 'PATCH')).status).toBe(202);
      await waitFor('the merge', async () => 'e' in (await stored()), 30_000);
      expect(await stored()).toEqual({ b: 2, c: 3, d: 4, e: 5 });
    });
  });
});

describe('ingest: a record larger than Kafka takes, whatever the event limit says', () => {
  const { id: run, env } = isolatedRun('e2e-limits-kafka', { KAFKA_MAX_MESSAGE_BYTES: '20000', INGEST_MAX_EVENT_BYTES: '1000000', LOG_LEVEL: 'warn' });
  let ingest: ServiceProcess;
  const send = (path: string, body: unknown, method = 'POST') => fetch(`${ingest.url}${path}`, { method, headers: authHeaders({ 'content-type': 'application/json' }), body: JSON.stringify(body) });

  beforeAll(async () => {
    ingest = await ServiceProcess.start('ingest', env);
  }, 90_000);
  afterAll(() => ingest?.stop());

  it('answers 413 naming KAFKA_MAX_MESSAGE_BYTES for that request alone, for events and profile updates', async () => {
    const small = Array.from({ length: 20 }, (_, n) => send('/v1/events', { customerId: `c-${run}-${n}`, type: 'page_view' }));
    const [event, profile, ...others] = await Promise.all([
      send('/v1/events', { customerId: `c-${run}`, type: 'page_view', properties: { blob: 'x'.repeat(50_000) } }),
      send(`/v1/customers/c-${run}`, { attributes: { notes: 'x'.repeat(50_000) } }, 'PATCH'),
      ...small,
    ]);
    for (const answer of [event, profile]) {
      expect(answer.status).toBe(413);
      expect(await answer.json()).toMatchObject({ limit: 'KAFKA_MAX_MESSAGE_BYTES', max: 20_000, errors: [{ path: '$', message: expect.stringMatching(/is \d+ bytes encoded; at most 20000/) }] });
    }
    expect(others.map((r) => r.status)).toEqual(Array(20).fill(202));
  });
});
