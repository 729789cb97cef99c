import { createCipheriv, createDecipheriv, createHash, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';

/**
 * Encryption at rest for webhook secrets in the config topic: AES-256-GCM, a random 96-bit
 * IV per value, the 128-bit tag appended. `context` (e.g. the webhook id) is bound in as
 * additional authenticated data, so a sealed value copied onto another webhook does not open.
 * Format: `v1.<key id>.<iv base64url>.<ciphertext+tag base64url>`; the key id (8 hex of the
 * key's SHA-256) makes "sealed under another key" a clear error instead of a tag mismatch.
 */
export class SecretBox {
  readonly keyId: string;
  /** A KeyObject, not the Buffer: Node would otherwise build one on every cipher it creates. */
  private readonly key: KeyObject;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new SecretBoxError(`the secrets key must be 32 bytes, got ${key.length}`);
    this.keyId = createHash('sha256').update(key).digest('hex').slice(0, 8);
    this.key = createSecretKey(key);
  }

  static fromBase64(text: string): SecretBox {
    const trimmed = text.trim();
    // Buffer.from(…, 'base64') skips junk silently; insist on canonical base64 so a typo is an error.
    if (!/^[A-Za-z0-9+/]{43}=$/.test(trimmed)) throw new SecretBoxError('CUEWIRE_SECRETS_KEY must be 32 bytes in base64 (44 characters ending in "=")');
    return new SecretBox(Buffer.from(trimmed, 'base64'));
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `v1.${this.keyId}.${iv.toString('base64url')}.${body.toString('base64url')}`;
  }

  open(sealed: string, context: string): string {
    const [version, keyId, iv, body] = sealed.split('.');
    if (version !== 'v1' || !keyId || !iv || !body) throw new SecretBoxError('not a sealed secret');
    if (keyId !== this.keyId) throw new SecretBoxError(`sealed with key ${keyId}, but this process has key ${this.keyId} (CUEWIRE_SECRETS_KEY differs)`);
    const data = Buffer.from(body, 'base64url');
    if (data.length < 16) throw new SecretBoxError('sealed secret is truncated');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(data.subarray(data.length - 16));
    try {
      return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretBoxError('sealed secret does not authenticate (tampered, or sealed for another object)');
    }
  }
}

export class SecretBoxError extends Error {
  override readonly name = 'SecretBoxError';
}

// Not a secret: it only lets a laptop or test run work without configuration. Production
// refuses to start without a real key (see loadSecretBox).
const DEVELOPMENT_KEY = createHash('sha256').update('cuewire development secrets key - not for production').digest();

export interface SecretsKeySettings {
  readonly CUEWIRE_SECRETS_KEY?: string;
  readonly NODE_ENV: string;
}

/** The process's SecretBox from its settings: the configured key, or outside production a fixed development key. */
export function loadSecretBox(settings: SecretsKeySettings, warn: (message: string) => void = () => undefined): SecretBox {
  if (settings.CUEWIRE_SECRETS_KEY) return SecretBox.fromBase64(settings.CUEWIRE_SECRETS_KEY);
  if (settings.NODE_ENV === 'production') {
    throw new SecretBoxError('CUEWIRE_SECRETS_KEY is required in production (32 random bytes, base64: `openssl rand -base64 32`)');
  }
  warn('CUEWIRE_SECRETS_KEY is not set: webhook secrets are sealed with the built-in development key (never do this in production)');
  return new SecretBox(DEVELOPMENT_KEY);
}
