import { createHash } from 'node:crypto';
import { displayPrefix, formatApiKey, newApiKeyId, newApiKeySecret, parseApiKey, sameDigest, sha256Hex } from './api-key.secret.js';

describe('API key format', () => {
  it('is cwk_<16 hex id>_<43-character base64url secret> and parses back into its parts', () => {
    const parts = { id: newApiKeyId(), secret: newApiKeySecret() };
    const key = formatApiKey(parts);
    expect(key).toMatch(/^cwk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(parseApiKey(key)).toEqual(parts);
  });

  it('keeps underscores and dashes of the secret (base64url) in the secret, not the id', () => {
    const parts = { id: '0123456789abcdef', secret: `_-${'a'.repeat(39)}_-` };
    expect(parseApiKey(formatApiKey(parts))).toEqual(parts);
  });

  it('carries 256 random bits in the secret and fresh values every time', () => {
    expect(Buffer.from(newApiKeySecret(), 'base64url')).toHaveLength(32);
    expect(new Set(Array.from({ length: 100 }, () => newApiKeySecret())).size).toBe(100);
    expect(new Set(Array.from({ length: 100 }, () => newApiKeyId())).size).toBe(100);
  });

  it.each([
    ['empty', ''],
    ['another prefix', `ghp_0123456789abcdef_${'a'.repeat(43)}`],
    ['an upper-case id', `cwk_0123456789ABCDEF_${'a'.repeat(43)}`],
    ['a short id', `cwk_0123456789abcde_${'a'.repeat(43)}`],
    ['a short secret', `cwk_0123456789abcdef_${'a'.repeat(42)}`],
    ['a long secret', `cwk_0123456789abcdef_${'a'.repeat(44)}`],
    ['padding', `cwk_0123456789abcdef_${'a'.repeat(42)}=`],
    ['surrounding text', ` cwk_0123456789abcdef_${'a'.repeat(43)}`],
  ])('refuses %s', (_what, key) => {
    expect(parseApiKey(key)).toBeNull();
  });

  it('shows the id and four characters of the secret for display, never more', () => {
    const secret = newApiKeySecret();
    expect(displayPrefix({ id: '0123456789abcdef', secret })).toBe(`cwk_0123456789abcdef_${secret.slice(0, 4)}`);
  });
});

describe('secret digests', () => {
  it('are SHA-256, hex', () => {
    expect(sha256Hex('abc')).toBe(createHash('sha256').update('abc').digest('hex'));
    expect(sha256Hex('abc')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('compare equal only when both are the same 32-byte digest', () => {
    const a = sha256Hex('a');
    expect(sameDigest(a, sha256Hex('a'))).toBe(true);
    expect(sameDigest(a, sha256Hex('b'))).toBe(false);
    expect(sameDigest(a, a.slice(0, 62))).toBe(false);
    expect(sameDigest('', '')).toBe(false);
    expect(sameDigest('zz', 'zz')).toBe(false);
  });
});
