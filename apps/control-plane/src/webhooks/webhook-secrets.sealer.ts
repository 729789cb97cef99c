import { randomBytes } from 'node:crypto';
import { secretContext, type SecretBox } from '@cuewire/delivery';
import type { FieldError } from '@cuewire/platform';
import type { AuthInput, StoredAuth, StoredSigningSecret, StoredWebhook, WebhookDefinition } from '@cuewire/templating';

export const newSigningSecret = () => `whsec_${randomBytes(32).toString('base64')}`;
const secretId = () => `sec_${randomBytes(6).toString('base64url')}`;

export interface SealedCredentials {
  readonly auth: StoredAuth;
  readonly signing?: StoredWebhook['signing'];
  /** A signing secret Cuewire generated: returned once, in the response to this request. */
  readonly generatedSecret?: string;
}

/**
 * Turns the API's plain-text secrets into sealed ones. Secrets are write-only: an update that
 * leaves one out keeps the stored one (when the auth kind is unchanged); a new auth kind
 * without its secret is an error listed with its path.
 */
export function sealCredentials(id: string, definition: WebhookDefinition, previous: StoredWebhook | undefined, box: SecretBox, now: number): SealedCredentials | FieldError[] {
  const context = secretContext(id);
  const seal = (value: string) => box.seal(value, context);
  const auth = sealAuth(definition.auth, previous?.auth, seal);
  if (Array.isArray(auth)) return auth;
  if (!definition.signing) return { auth };
  if (definition.signing.secrets) {
    const secrets = definition.signing.secrets.map((s): StoredSigningSecret => ({ id: secretId(), value: seal(s), createdAt: now, expiresAt: null }));
    return { auth, signing: { type: 'standard-webhooks', secrets } };
  }
  const kept = previous?.signing?.secrets.filter((s) => s.expiresAt === null || s.expiresAt > now);
  if (kept && kept.length > 0) return { auth, signing: { type: 'standard-webhooks', secrets: kept } };
  const generatedSecret = newSigningSecret();
  return { auth, signing: { type: 'standard-webhooks', secrets: [{ id: secretId(), value: seal(generatedSecret), createdAt: now, expiresAt: null }] }, generatedSecret };
}

function sealAuth(input: AuthInput, previous: StoredAuth | undefined, seal: (value: string) => string): StoredAuth | FieldError[] {
  const missing = (field: string): FieldError[] => [{ path: `$.auth.${field}`, message: `required (secrets are write-only: it may be left out only to keep the stored one of the same auth type)` }];
  switch (input.type) {
    case 'basic': {
      const password = input.password !== undefined ? seal(input.password) : previous?.type === 'basic' ? previous.password : undefined;
      return password ? { type: 'basic', username: input.username, password } : missing('password');
    }
    case 'bearer': {
      const token = input.token !== undefined ? seal(input.token) : previous?.type === 'bearer' ? previous.token : undefined;
      return token ? { type: 'bearer', token } : missing('token');
    }
    case 'header': {
      const value = input.value !== undefined ? seal(input.value) : previous?.type === 'header' && previous.name.toLowerCase() === input.name.toLowerCase() ? previous.value : undefined;
      return value ? { type: 'header', name: input.name, value } : missing('value');
    }
    default:
      return { type: 'none' };
  }
}

/**
 * Rotation: a new secret signs from now on; the ones still active keep signing (both
 * signatures are sent) until `overlapSeconds` from now, so receivers can switch without a
 * gap. Overlap 0 retires the old secrets at once (a leaked secret). Expired ones are dropped.
 */
export function rotateSigningSecret(id: string, signing: StoredWebhook['signing'], box: SecretBox, overlapSeconds: number, now: number, secret = newSigningSecret()) {
  const until = now + overlapSeconds * 1000;
  const previous = (signing?.secrets ?? [])
    .filter((s) => s.expiresAt === null || s.expiresAt > now)
    .map((s) => ({ ...s, expiresAt: s.expiresAt === null ? until : Math.min(s.expiresAt, until) }))
    .filter((s) => s.expiresAt > now);
  const created: StoredSigningSecret = { id: secretId(), value: box.seal(secret, secretContext(id)), createdAt: now, expiresAt: null };
  // Bounded: each active secret costs one HMAC per delivery.
  const secrets = [...previous.slice(-4), created];
  return { signing: { type: 'standard-webhooks' as const, secrets }, secret, created };
}
