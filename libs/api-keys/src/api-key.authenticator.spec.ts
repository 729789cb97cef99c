import { authenticateApiKey, presentedApiKey, type ApiKeyLookup } from './api-key.authenticator.js';
import { sha256Hex } from './api-key.secret.js';
import { issueApiKey, rotateApiKey, type StoredApiKey } from './stored-api-key.js';

const now = Date.UTC(2026, 10, 24, 10, 0, 0);
const bootstrap = 'bootstrap-key-with-at-least-32-characters';

function lookup(keys: Record<string, StoredApiKey>, bootstrapKey: string | null = bootstrap): ApiKeyLookup {
  return { bootstrapDigest: bootstrapKey === null ? null : sha256Hex(bootstrapKey), find: (id) => keys[id] };
}

describe('reading the presented key from request headers', () => {
  const key = `cwk_0123456789abcdef_${'a'.repeat(43)}`;

  it('takes Authorization: Bearer (any case of the scheme) or X-Api-Key', () => {
    expect(presentedApiKey({ authorization: `Bearer ${key}` })).toEqual({ key });
    expect(presentedApiKey({ authorization: `bearer  ${key}` })).toEqual({ key });
    expect(presentedApiKey({ 'x-api-key': ` ${key} ` })).toEqual({ key });
    expect(presentedApiKey({ authorization: `Bearer ${key}`, 'x-api-key': key })).toEqual({ key });
  });

  it('reports a missing key', () => {
    expect(presentedApiKey({})).toEqual({ reason: 'missing' });
  });

  it.each([
    ['another scheme', { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }],
    ['an empty bearer', { authorization: 'Bearer ' }],
    ['a bearer with spaces inside', { authorization: `Bearer ${key} extra` }],
    ['an empty X-Api-Key', { 'x-api-key': ' ' }],
    ['a repeated X-Api-Key', { 'x-api-key': [key, key] }],
    ['two different keys', { authorization: `Bearer ${key}`, 'x-api-key': `${key.slice(0, -1)}b` }],
  ])('reports %s as malformed', (_what, headers) => {
    expect(presentedApiKey(headers)).toEqual({ reason: 'malformed' });
  });
});

describe('authenticating an API key', () => {
  const ingest = issueApiKey({ name: 'shop', scopes: ['ingest'] }, now);
  const admin = issueApiKey({ name: 'ops', scopes: ['admin'] }, now);
  const keys = lookup({ [ingest.id]: ingest.stored, [admin.id]: admin.stored });

  it('knows a stored key and its scopes', () => {
    expect(authenticateApiKey(ingest.key, keys, now)).toEqual({ ok: true, principal: { keyId: ingest.id, scopes: ['ingest'] } });
    expect(authenticateApiKey(admin.key, keys, now)).toEqual({ ok: true, principal: { keyId: admin.id, scopes: ['admin'] } });
  });

  it('gives the bootstrap key every scope, and nothing when none is configured', () => {
    expect(authenticateApiKey(bootstrap, keys, now)).toEqual({ ok: true, principal: { keyId: 'bootstrap', scopes: ['ingest', 'admin'] } });
    expect(authenticateApiKey(bootstrap, lookup({}, null), now)).toEqual({ ok: false, reason: 'malformed' });
    expect(authenticateApiKey(`${bootstrap}x`, keys, now)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('says "invalid", and nothing more, for an unknown id, a revoked key or a wrong secret', () => {
    const unknown = issueApiKey({ name: 'x', scopes: ['admin'] }, now);
    expect(authenticateApiKey(unknown.key, keys, now)).toEqual({ ok: false, reason: 'invalid' });
    expect(authenticateApiKey(ingest.key, lookup({}), now)).toEqual({ ok: false, reason: 'invalid' });
    const wrongSecret = `${ingest.key.slice(0, 21)}${unknown.key.slice(21)}`;
    expect(authenticateApiKey(wrongSecret, keys, now)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('refuses what is not shaped like a key', () => {
    expect(authenticateApiKey('hello', keys, now)).toEqual({ ok: false, reason: 'malformed' });
  });

  describe('after a rotation', () => {
    it('with no grace, refuses the old secret at once and takes the new one', () => {
      const rotated = rotateApiKey(ingest.id, ingest.stored, 0, now);
      const after = lookup({ [ingest.id]: rotated.stored });
      expect(authenticateApiKey(ingest.key, after, now)).toEqual({ ok: false, reason: 'invalid' });
      expect(authenticateApiKey(rotated.key, after, now)).toMatchObject({ ok: true });
    });

    it('with a grace window, takes both until it ends, then calls the old one expired', () => {
      const rotated = rotateApiKey(ingest.id, ingest.stored, 60, now);
      const after = lookup({ [ingest.id]: rotated.stored });
      expect(authenticateApiKey(ingest.key, after, now + 59_999)).toEqual({ ok: true, principal: { keyId: ingest.id, scopes: ['ingest'] } });
      expect(authenticateApiKey(rotated.key, after, now + 59_999)).toMatchObject({ ok: true });
      expect(authenticateApiKey(ingest.key, after, now + 60_000)).toEqual({ ok: false, reason: 'expired' });
      expect(authenticateApiKey(rotated.key, after, now + 10 * 86_400_000)).toMatchObject({ ok: true });
    });
  });
});
