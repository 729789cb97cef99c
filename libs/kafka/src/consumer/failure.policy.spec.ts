import { RegistryUnavailableError, UndecodableRecordError } from '../avro-serde.js';
import { PoisonRecordError, TransientError } from '../records.js';
import { RecordTooLargeError } from '../typed-producer.js';
import { backoffMs, classifyFailure } from './failure.policy.js';

describe('failure policy', () => {
  it('names content failures: poison, undecodable, too large', () => {
    expect(classifyFailure(new PoisonRecordError('bad'))).toBe('content');
    expect(classifyFailure(new UndecodableRecordError('bytes'))).toBe('content');
    expect(classifyFailure(new RecordTooLargeError(0, 'cw.x', 2_000_000, 1_000_000))).toBe('content');
  });

  it('names infrastructure failures of Kafka, Redis, the registry, PostgreSQL and the network', () => {
    expect(classifyFailure(new RegistryUnavailableError('registry down'))).toBe('infrastructure');
    expect(classifyFailure(Object.assign(new Error('x'), { code: 'PLT_KFK_NETWORK' }))).toBe('infrastructure');
    expect(classifyFailure(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' }))).toBe('infrastructure');
    expect(classifyFailure(Object.assign(new Error('Reached the max retries per request limit'), { name: 'MaxRetriesPerRequestError' }))).toBe('infrastructure');
    expect(classifyFailure(new Error('LOADING Redis is loading the dataset in memory'))).toBe('infrastructure');
    expect(classifyFailure(new Error('Connection is closed.'))).toBe('infrastructure');
    expect(classifyFailure(Object.assign(new Error('terminating connection'), { code: '57P01' }))).toBe('infrastructure');
    expect(classifyFailure(new TransientError('later'))).toBe('infrastructure');
    expect(classifyFailure(new Error('wrapped', { cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) }))).toBe('infrastructure');
  });

  it('leaves other errors unknown (retried a few times, then dead-lettered)', () => {
    expect(classifyFailure(new RangeError('Invalid time value'))).toBe('unknown');
    expect(classifyFailure(new TypeError("Cannot read properties of undefined (reading 'x')"))).toBe('unknown');
    expect(classifyFailure('a string')).toBe('unknown');
  });

  it('backs off exponentially with jitter, within the cap', () => {
    for (let i = 0; i < 30; i++) {
      const delay = backoffMs(i, 100, 5_000);
      expect(delay).toBeGreaterThanOrEqual(Math.min(5_000, 100 * 2 ** i) / 2);
      expect(delay).toBeLessThanOrEqual(5_000);
    }
  });
});
