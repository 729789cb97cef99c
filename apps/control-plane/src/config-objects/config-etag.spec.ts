import type { ConfigRecord } from '@cuewire/contracts';
import { configEtag, etagOfRecord, ifMatchHolds } from './config-etag.js';

const record = (revision: number, updatedAt: number): ConfigRecord => ({ kind: 'webhook', id: 'w', revision, updatedAt, body: '{}' });

describe('config ETags', () => {
  it('tells revisions apart, and a re-created object from its predecessor at the same revision', () => {
    expect(etagOfRecord(record(1, 1_000))).toBe(configEtag(1, 1_000));
    expect(etagOfRecord(record(2, 1_000))).not.toBe(etagOfRecord(record(1, 1_000)));
    expect(etagOfRecord(record(1, 2_000))).not.toBe(etagOfRecord(record(1, 1_000)));
  });

  it.each([
    ['the current tag', '"3-rs"', true],
    ['the current tag, weak', 'W/"3-rs"', true],
    ['a list holding it', '"1-aa", "3-rs"', true],
    ['*', '*', true],
    ['an older tag', '"2-rs"', false],
    ['garbage', '"x", W/, ,,"unterminated', false],
  ])('If-Match with %s holds: %s', (_what, header, holds) => {
    expect(ifMatchHolds(header, record(3, 1_000))).toBe(holds);
  });

  it('never holds for an object that does not exist, not even *', () => {
    expect(ifMatchHolds('*', undefined)).toBe(false);
  });
});
