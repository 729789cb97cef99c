import { randomBytes } from 'node:crypto';
import { loadSecretBox, SecretBox, SecretBoxError } from './secret-box.js';

const key = randomBytes(32).toString('base64');

describe('secret box (AES-256-GCM at rest)', () => {
  const box = SecretBox.fromBase64(key);

  it('round-trips, with a fresh IV each time, and the plaintext nowhere in the sealed text', () => {
    const a = box.seal('whsec_abc', 'webhook:w1');
    expect(a).toMatch(/^v1\.[0-9a-f]{8}\./);
    expect(a).not.toContain('whsec_abc');
    expect(box.seal('whsec_abc', 'webhook:w1')).not.toBe(a);
    expect(box.open(a, 'webhook:w1')).toBe('whsec_abc');
  });

  it('does not open for another object, after tampering, or under another key', () => {
    const sealed = box.seal('secret', 'webhook:w1');
    expect(() => box.open(sealed, 'webhook:w2')).toThrow(SecretBoxError);
    const parts = sealed.split('.');
    parts[3] = Buffer.from(Buffer.from(parts[3], 'base64url').map((b, i) => (i === 0 ? b ^ 1 : b))).toString('base64url');
    expect(() => box.open(parts.join('.'), 'webhook:w1')).toThrow(/authenticate/);
    expect(() => SecretBox.fromBase64(randomBytes(32).toString('base64')).open(sealed, 'webhook:w1')).toThrow(/CUEWIRE_SECRETS_KEY differs/);
  });

  it('insists on a 32-byte base64 key', () => {
    expect(() => SecretBox.fromBase64('c2hvcnQ=')).toThrow(/32 bytes/);
    expect(() => SecretBox.fromBase64(`${key.slice(0, -2)}!=`)).toThrow(/32 bytes/);
  });

  it('refuses to run in production without a key; elsewhere uses the development key with a warning', () => {
    expect(() => loadSecretBox({ NODE_ENV: 'production' })).toThrow(/required in production/);
    const warnings: string[] = [];
    const dev = loadSecretBox({ NODE_ENV: 'development' }, (m) => warnings.push(m));
    expect(warnings).toHaveLength(1);
    expect(loadSecretBox({ NODE_ENV: 'test' }).open(dev.seal('x', 'c'), 'c')).toBe('x');
    expect(loadSecretBox({ NODE_ENV: 'production', CUEWIRE_SECRETS_KEY: key }).keyId).toBe(box.keyId);
  });
});
