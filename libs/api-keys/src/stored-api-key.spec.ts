import { parseApiKey, sha256Hex } from './api-key.secret.js';
import { apiKeyScopesSchema, issueApiKey, MAX_ROTATION_GRACE_SECONDS, previousSecretExpiry, rotateApiKey, storedApiKeySchema } from './stored-api-key.js';

const now = Date.UTC(2026, 10, 24, 10, 0, 0);

describe('issuing an API key', () => {
  it('returns the plaintext once and stores only the secret digest and a display prefix', () => {
    const issued = issueApiKey({ name: 'Shop backend', scopes: ['ingest'] }, now);
    const { id, secret } = parseApiKey(issued.key)!;
    expect(id).toBe(issued.id);
    expect(issued.stored).toEqual({
      name: 'Shop backend',
      scopes: ['ingest'],
      secretHash: sha256Hex(secret),
      prefix: `cwk_${id}_${secret.slice(0, 4)}`,
      createdAt: now,
      rotatedAt: null,
      previous: null,
    });
    expect(JSON.stringify(issued.stored)).not.toContain(secret);
    expect(storedApiKeySchema.parse(issued.stored)).toEqual(issued.stored);
  });

  it('takes at least one scope, folds repeats and orders them canonically', () => {
    expect(apiKeyScopesSchema.parse(['admin', 'ingest', 'admin'])).toEqual(['ingest', 'admin']);
    expect(apiKeyScopesSchema.safeParse([]).success).toBe(false);
    expect(apiKeyScopesSchema.safeParse(['read']).success).toBe(false);
  });
});

describe('rotating an API key', () => {
  const issued = issueApiKey({ name: 'CRM', scopes: ['ingest', 'admin'] }, now - 60_000);

  it('keeps id, name, scopes and creation time, with a new secret and prefix', () => {
    const rotated = rotateApiKey(issued.id, issued.stored, 0, now);
    expect(rotated.id).toBe(issued.id);
    expect(rotated.key).not.toBe(issued.key);
    expect(rotated.key.startsWith(`cwk_${issued.id}_`)).toBe(true);
    expect(rotated.stored).toMatchObject({ name: 'CRM', scopes: ['ingest', 'admin'], createdAt: now - 60_000, rotatedAt: now });
    expect(rotated.stored.secretHash).toBe(sha256Hex(parseApiKey(rotated.key)!.secret));
  });

  it('with no grace, keeps no previous secret', () => {
    expect(rotateApiKey(issued.id, issued.stored, 0, now).stored.previous).toBeNull();
  });

  it('with a grace window, keeps the old digest until then', () => {
    const rotated = rotateApiKey(issued.id, issued.stored, 3600, now);
    expect(rotated.stored.previous).toEqual({ secretHash: issued.stored.secretHash, expiresAt: now + 3_600_000 });
    expect(previousSecretExpiry(rotated.stored, now + 3_599_999)).toBe(now + 3_600_000);
    expect(previousSecretExpiry(rotated.stored, now + 3_600_000)).toBeNull();
  });

  it('a second rotation keeps only the secret it replaced', () => {
    const first = rotateApiKey(issued.id, issued.stored, 3600, now);
    const second = rotateApiKey(issued.id, first.stored, 60, now + 1000);
    expect(second.stored.previous).toEqual({ secretHash: first.stored.secretHash, expiresAt: now + 61_000 });
  });

  it.each([-1, 1.5, MAX_ROTATION_GRACE_SECONDS + 1])('refuses a grace of %s seconds', (seconds) => {
    expect(() => rotateApiKey(issued.id, issued.stored, seconds, now)).toThrow(RangeError);
  });
});
