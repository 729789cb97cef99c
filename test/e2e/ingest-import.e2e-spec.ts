import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Topics, type CustomerEvent, type CustomerProfileUpdate } from '@cuewire/contracts';
import { AvroSerde } from '@cuewire/kafka';
import { KafkaProbe, testBrokers, testRegistryUrl, waitFor } from '@cuewire/testing';

const cli = join(import.meta.dirname, '..', '..', 'dist', 'apps', 'cuewire', 'src', 'cli.js');
const brokers = testBrokers();
const serde = new AvroSerde(testRegistryUrl());

/** `cuewire import`, run as the real command line against the real Kafka and registry. */
describe('cuewire import', () => {
  const run = randomUUID().slice(0, 8);
  const env = { ...process.env, KAFKA_TOPIC_PREFIX: `e2e-imp-${run}.`, KAFKA_TOPIC_PARTITIONS: '3' };
  const dir = mkdtempSync(join(tmpdir(), 'cuewire-import-'));
  const probe = new KafkaProbe(brokers);
  afterAll(async () => {
    await probe.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const start = (args: string[], topicPrefix = env.KAFKA_TOPIC_PREFIX) => {
    const child = spawn(process.execPath, [cli, 'import', ...args], { env: { ...env, KAFKA_TOPIC_PREFIX: topicPrefix }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    return { child, exited, output: () => ({ stdout, stderr }) };
  };

  it('resumes after a SIGKILL half-way: every valid line lands, bad lines are listed once, counts are exact', async () => {
    const file = join(dir, 'events.ndjson');
    const total = 20_000;
    const lines = Array.from({ length: total }, (_, i) =>
      i % 1000 === 999 ? '{"customerId":"x"}' : JSON.stringify({ customerId: `imp-${i % 500}`, type: 'purchase', properties: { i, pad: 'p'.repeat(100) } }),
    );
    writeFileSync(file, `${lines.join('\n')}\n`);
    const checkpoint = () => (existsSync(`${file}.checkpoint.json`) ? (JSON.parse(readFileSync(`${file}.checkpoint.json`, 'utf8')) as { line: number; done: boolean }) : undefined);

    const first = start(['events', file, '--batch', '200', '--in-flight', '2', '--progress-interval', '0.2']);
    await waitFor('the import to pass half-way', () => (checkpoint()?.line ?? 0) > total / 2, 30_000, 5);
    first.child.kill('SIGKILL');
    await first.exited;
    const atKill = checkpoint()!;
    expect(atKill.done).toBe(false);
    expect(first.output().stderr).toMatch(/line [\d,]+ +accepted [\d,]+ +rejected [\d,]+ +[\d,]+ lines\/s +ETA/);

    const second = start(['events', file, '--batch', '200', '--in-flight', '2']);
    expect(await second.exited).toBe(0);
    const summary = JSON.parse(second.output().stdout) as Record<string, unknown>;
    expect(summary).toMatchObject({ lines: total, accepted: total - 20, rejected: 20, complete: true, resumedFromLine: atKill.line });

    const rejected = readFileSync(`${file}.rejected.ndjson`, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { line: number; errors: unknown[] });
    expect(rejected.map((r) => r.line)).toEqual(Array.from({ length: 20 }, (_, k) => k * 1000 + 1000));
    expect(rejected[0].errors).toEqual([{ path: '$.type', message: expect.any(String) }]);

    const ids = new Set<string>();
    let records = 0;
    await probe.readUntil(env.KAFKA_TOPIC_PREFIX + Topics.customerEvents.name, (rs) => {
      for (; records < rs.length; records++) ids.add(eventIdOf(rs[records].value));
      return ids.size >= total - 20;
    }, 60_000);
    // Nothing lost; what was sent but not checkpointed before the kill may appear twice (at most the in-flight batches).
    expect(ids.size).toBe(total - 20);
    expect(records - ids.size).toBeLessThanOrEqual(2 * 200);

    // Running it again does nothing: the checkpoint says complete.
    const third = start(['events', file]);
    expect(await third.exited).toBe(0);
    expect(JSON.parse(third.output().stdout)).toMatchObject({ accepted: total - 20, complete: true });
  }, 90_000);

  it('imports profiles from CSV with typed cells, listing the bad row', async () => {
    const file = join(dir, 'profiles.csv');
    writeFileSync(file, 'customerId,firstName,age,vip,zip\nc-1,Ada,36,true,007\nc-2,"Lovelace, A",,false,\nc-3,Bad,1,2\n');
    const imported = start(['profiles', file]);
    expect(await imported.exited).toBe(0);
    expect(JSON.parse(imported.output().stdout)).toMatchObject({ kind: 'profiles', lines: 4, accepted: 2, rejected: 1 });
    const records = await probe.readUntil(env.KAFKA_TOPIC_PREFIX + Topics.customerProfiles.name, (rs) => rs.length >= 2);
    const values = await Promise.all(records.map((r) => serde.decode<CustomerProfileUpdate>(r.value)));
    expect(values.map((v) => [v.customerId, JSON.parse(v.attributes)]).sort()).toEqual([
      ['c-1', { firstName: 'Ada', age: 36, vip: true, zip: '007' }],
      ['c-2', { firstName: 'Lovelace, A', vip: false }],
    ]);
    expect(readFileSync(`${file}.rejected.ndjson`, 'utf8')).toMatch(/"line":4.*CSV row has 4 cells; the header has 5/);
  }, 60_000);

  it('imports a spreadsheet export (BOM, semicolons, CRLF, newlines in quoted cells) and resumes after a SIGKILL', async () => {
    const file = join(dir, 'events-export.csv');
    const total = 12_000;
    const note = 'line one; with "quotes"\r\nline two';
    // Every 1000th row is short a cell; the others span two lines each.
    const rows = Array.from({ length: total }, (_, i) => (i % 1000 === 999 ? `csv-${i};purchase;short` : `csv-${i % 300};purchase;"${note.replaceAll('"', '""')}";${i}`));
    writeFileSync(file, `\uFEFFcustomerId;type;note;i\r\n${rows.join('\r\n')}\r\n`);
    const firstLines: number[] = [];
    rows.reduce((line, row) => (firstLines.push(line), line + row.split('\n').length), 2);
    const badLines = firstLines.filter((_, i) => i % 1000 === 999);
    const physicalLines = 1 + rows.reduce((n, row) => n + row.split('\n').length, 0);
    const checkpoint = () => (existsSync(`${file}.checkpoint.json`) ? (JSON.parse(readFileSync(`${file}.checkpoint.json`, 'utf8')) as { line: number; done: boolean }) : undefined);

    // Its own topics: the NDJSON import above wrote events too.
    const prefix = `${env.KAFKA_TOPIC_PREFIX}csv.`;
    const first = start(['events', file, '--batch', '200', '--in-flight', '2'], prefix);
    await waitFor('the import to pass half-way', () => (checkpoint()?.line ?? 0) > physicalLines / 2, 30_000, 5);
    first.child.kill('SIGKILL');
    await first.exited;
    const atKill = checkpoint()!;
    expect(atKill.done).toBe(false);

    const second = start(['events', file, '--batch', '200', '--in-flight', '2'], prefix);
    expect(await second.exited).toBe(0);
    expect(JSON.parse(second.output().stdout)).toMatchObject({ lines: physicalLines, accepted: total - 12, rejected: 12, complete: true, resumedFromLine: atKill.line });
    const rejected = readFileSync(`${file}.rejected.ndjson`, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { line: number; errors: { message: string }[] });
    expect(rejected.map((r) => r.line)).toEqual(badLines);
    expect(rejected[0].errors[0].message).toBe('CSV row has 3 cells; the header has 4');

    const ids = new Set<string>();
    let records = 0;
    const read = await probe.readUntil(prefix + Topics.customerEvents.name, (rs) => {
      for (; records < rs.length; records++) ids.add(eventIdOf(rs[records].value));
      return ids.size >= total - 12;
    }, 60_000);
    expect(ids.size).toBe(total - 12);
    const sample = await serde.decode<CustomerEvent>(read[0].value);
    expect(JSON.parse(sample.properties)).toEqual({ note, i: expect.any(Number) });
    expect(sample.customerId).toMatch(/^csv-\d+$/);
  }, 90_000);
});

/** The eventId (the first field of the Avro record, after the 5-byte wire header), read without a registry round trip per record. */
function eventIdOf(value: Buffer): string {
  let zigzag = 0;
  let shift = 0;
  let at = 5;
  for (let byte = value[at++]; ; byte = value[at++], shift += 7) {
    zigzag |= (byte & 0x7f) << shift;
    if (!(byte & 0x80)) break;
  }
  const length = (zigzag >>> 1) ^ -(zigzag & 1);
  return value.subarray(at, at + length).toString('utf8');
}
