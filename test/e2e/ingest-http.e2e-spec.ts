import { randomUUID } from 'node:crypto';
import { authHeaders, ServiceProcess } from '@cuewire/testing';

/**
 * The ingest HTTP surface against a real ingest process, Kafka, registry and Redis: validation
 * rules, malformed JSON, oversized bodies, client-id dedupe, the NDJSON bulk endpoint, and
 * backpressure (a flood on a tiny in-flight bound yields 429s, and the process stays healthy).
 */
describe('ingest over HTTP', () => {
  const run = randomUUID().slice(0, 8);
  const env = {
    KAFKA_TOPIC_PREFIX: `e2e-ing-${run}.`,
    KAFKA_TOPIC_PARTITIONS: '3',
    KAFKA_GROUP_PREFIX: `e2e-ing-${run}`,
    REDIS_KEY_PREFIX: `e2e-ing-${run}:`,
    HTTP_BODY_LIMIT_BYTES: '65536',
    INGEST_MAX_FUTURE_SECONDS: '3600',
    INGEST_BULK_CHUNK_EVENTS: '50',
    LOG_LEVEL: 'warn',
  };
  let ingest: ServiceProcess;
  const send = (path: string, body: unknown, contentType = 'application/json', method = 'POST') =>
    fetch(`${ingest.url}${path}`, { method, headers: authHeaders({ 'content-type': contentType }), body: typeof body === 'string' ? body : JSON.stringify(body) });
  const json = async (res: Response) => (await res.json()) as Record<string, unknown>;

  beforeAll(async () => {
    ingest = await ServiceProcess.start('ingest', env);
  }, 90_000);
  afterAll(() => ingest?.stop());

  describe('validation: every 400 names the field and the reason', () => {
    it.each([
      ['a missing customerId', { type: 'purchase' }, '$.customerId', /expected string/],
      ['a type with spaces', { customerId: 'c1', type: 'a b' }, '$.type', /letters, digits/],
      ['an unknown field', { customerId: 'c1', type: 'x', colour: 'red' }, '$', /colour/],
      ['properties that are not an object', { customerId: 'c1', type: 'x', properties: [1] }, '$.properties', /object|record/],
      ['an event time that is not ISO 8601 nor epoch ms', { customerId: 'c1', type: 'x', occurredAt: 'yesterday' }, '$.occurredAt', /./],
      ['an event time far in the future', { customerId: 'c1', type: 'x', occurredAt: Date.now() + 2 * 3600_000 }, '$.occurredAt', /3600 s after the receive time/],
      ['an empty eventId', { customerId: 'c1', type: 'x', eventId: '' }, '$.eventId', /./],
    ])('refuses %s', async (_what, body, path, reason) => {
      const res = await send('/v1/events', body);
      expect(res.status).toBe(400);
      const errors = (await json(res)).errors as { path: string; message: string }[];
      expect(errors).toEqual(expect.arrayContaining([{ path, message: expect.stringMatching(reason) }]));
    });

    it('accepts an event time a little in the future (clock skew) and keeps it beside the receive time', async () => {
      expect((await send('/v1/events', { customerId: 'c1', type: 'x', occurredAt: new Date(Date.now() + 60_000).toISOString() })).status).toBe(202);
    });

    it('rejects a whole array when one element is bad, naming its index', async () => {
      const res = await send('/v1/events', [{ customerId: 'c1', type: 'x' }, { customerId: 'c1' }]);
      expect(res.status).toBe(400);
      expect((await json(res)).errors).toEqual([{ path: '$[1].type', message: expect.any(String) }]);
    });

    it('says where malformed JSON breaks', async () => {
      const res = await send('/v1/events', '{"customerId": "c1",\n "type": }');
      expect(res.status).toBe(400);
      expect((await json(res)).title).toMatch(/^Malformed JSON at line 2, column 10 \(offset 30\): Unexpected token/);
    });

    it('answers 413 problem+json naming the limit for an oversized body', async () => {
      const res = await send('/v1/events', { customerId: 'c1', type: 'x', properties: { blob: 'a'.repeat(70_000) } });
      expect(res.status).toBe(413);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect((await json(res)).detail).toMatch(/limit is 65536 bytes .*\/v1\/events\/bulk/);
    });
  });

  describe('client event ids', () => {
    it('acknowledges a repeated eventId as a duplicate and does not produce it again', async () => {
      const eventId = `order-${run}`;
      const first = await json(await send('/v1/events', { customerId: 'c-dup', type: 'purchase', eventId }));
      expect(first).toEqual({ accepted: 1, eventIds: [eventId], duplicates: [] });
      const again = await send('/v1/events', [{ customerId: 'c-dup', type: 'purchase', eventId }, { customerId: 'c-dup', type: 'purchase', eventId: `${eventId}-b` }]);
      expect(again.status).toBe(202);
      expect(await json(again)).toEqual({ accepted: 1, eventIds: [eventId, `${eventId}-b`], duplicates: [eventId] });
    });

    it('counts a repeat inside one request as a duplicate too', async () => {
      const eventId = `twice-${run}`;
      expect(await json(await send('/v1/events', [{ customerId: 'c2', type: 'x', eventId }, { customerId: 'c2', type: 'x', eventId }]))).toMatchObject({ accepted: 1, duplicates: [eventId] });
    });
  });

  describe('NDJSON bulk', () => {
    it('accepts the good lines, reports each bad one by line and path, and counts duplicates', async () => {
      const lines = Array.from({ length: 120 }, (_, i) => JSON.stringify({ customerId: `b-${i % 7}`, type: 'view', properties: { i } }));
      lines[9] = '{"customerId": "b-1"}';
      lines[49] = '{not json';
      lines[99] = JSON.stringify({ customerId: 'c-dup', type: 'x', eventId: `order-${run}` }); // already ingested above
      lines.push(''); // a trailing newline ends the last line; it adds none
      const res = await send('/v1/events/bulk', lines.join('\n'), 'application/x-ndjson');
      expect(res.status).toBe(202);
      expect(await json(res)).toEqual({
        lines: 120,
        accepted: 117,
        duplicates: 1,
        rejected: 2,
        errorsTruncated: false,
        errors: [
          { line: 10, path: '$.type', message: expect.any(String) },
          { line: 50, path: '$', message: expect.stringMatching(/^Malformed JSON at column 2/) },
        ],
      });
    });

    it('answers 400 when no line holds a valid event', async () => {
      const res = await send('/v1/events/bulk', '{"a":1}\n', 'application/x-ndjson');
      expect(res.status).toBe(400);
      expect(await json(res)).toMatchObject({ accepted: 0, rejected: 1 });
    });

    it('streams a body far larger than the JSON body limit', async () => {
      const line = JSON.stringify({ customerId: 'big', type: 'view', properties: { pad: 'p'.repeat(200) } });
      const body = `${line}\n`.repeat(2_000); // ~500 KB > 64 KiB limit
      const res = await send('/v1/events/bulk', body, 'application/x-ndjson');
      expect(res.status).toBe(202);
      expect(await json(res)).toMatchObject({ lines: 2_000, accepted: 2_000, rejected: 0 });
    });
  });

  describe('profiles', () => {
    it('accepts typed attributes and names a bad customer id', async () => {
      const ok = await send('/v1/customers/c-typed', { attributes: { n: 1.5, vip: true, address: { city: 'Oslo' }, since: '2026-01-01T00:00:00Z', gone: null } }, 'application/json', 'PATCH');
      expect(ok.status).toBe(202);
      const bad = await send('/v1/customers/c1', { attributes: 'no' }, 'application/json', 'PATCH');
      expect(bad.status).toBe(400);
      expect((await json(bad)).errors).toEqual([{ path: '$.attributes', message: expect.any(String) }]);
    });
  });
});

describe('ingest backpressure', () => {
  const run = randomUUID().slice(0, 8);
  let ingest: ServiceProcess;

  beforeAll(async () => {
    // A tiny bound stands in for a slow broker: any two concurrent requests exceed it.
    ingest = await ServiceProcess.start('ingest', {
      KAFKA_TOPIC_PREFIX: `e2e-ingbp-${run}.`,
      KAFKA_TOPIC_PARTITIONS: '3',
      KAFKA_GROUP_PREFIX: `e2e-ingbp-${run}`,
      REDIS_KEY_PREFIX: `e2e-ingbp-${run}:`,
      INGEST_MAX_INFLIGHT_BYTES: '2048',
      LOG_LEVEL: 'warn',
    });
  }, 90_000);
  afterAll(() => ingest?.stop());

  it('answers a flood with 429 + Retry-After instead of queueing without bound, and stays healthy', async () => {
    const event = (i: number) => ({ customerId: `f-${i % 50}`, type: 'view', properties: { pad: 'x'.repeat(1_500), i } });
    const statuses: number[] = [];
    const retryAfter = new Set<string | null>();
    let accepted = 0;
    // 10 waves of 100 concurrent requests, each request ~1.6 KB: the bound admits about one at a time.
    for (let wave = 0; wave < 10; wave++) {
      const responses = await Promise.all(
        Array.from({ length: 100 }, (_, i) => fetch(`${ingest.url}/v1/events`, { method: 'POST', headers: authHeaders({ 'content-type': 'application/json' }), body: JSON.stringify(event(wave * 100 + i)) })),
      );
      for (const res of responses) {
        statuses.push(res.status);
        if (res.status === 429) retryAfter.add(res.headers.get('retry-after'));
        if (res.status === 202) accepted++;
        await res.arrayBuffer();
      }
    }
    expect(new Set(statuses)).toEqual(new Set([202, 429]));
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(100);
    expect(accepted).toBeGreaterThan(0);
    expect(retryAfter).toEqual(new Set(['1']));
    expect((await fetch(`${ingest.url}/health/ready`)).status).toBe(200);
    // After the flood the producer drained: a lone request goes through again.
    expect((await fetch(`${ingest.url}/v1/events`, { method: 'POST', headers: authHeaders({ 'content-type': 'application/json' }), body: JSON.stringify(event(0)) })).status).toBe(202);
  });
});
