import type { ConfigRecord } from '@cuewire/contracts';
import type { StoredWebhook } from '@cuewire/templating';

/** A webhook as the API returns it: settings, and which secrets exist, never their values. */
export interface WebhookView extends Omit<StoredWebhook, 'auth' | 'signing'> {
  id: string;
  revision: number;
  updatedAt: string;
  auth: { type: 'none' } | { type: 'basic'; username: string; passwordSet: true } | { type: 'bearer'; tokenSet: true } | { type: 'header'; name: string; valueSet: true };
  signing?: { type: 'standard-webhooks'; activeSecrets: number; secrets: { id: string; createdAt: string; expiresAt: string | null }[] };
  /** Returned once, when Cuewire generated the signing secret. */
  generatedSecret?: string;
}

export function webhookView(record: ConfigRecord, now = Date.now()): WebhookView {
  const { auth = { type: 'none' }, signing, ...settings } = JSON.parse(record.body) as StoredWebhook;
  const active = (signing?.secrets ?? []).filter((s) => s.expiresAt === null || s.expiresAt > now);
  return {
    id: record.id,
    revision: record.revision,
    updatedAt: new Date(record.updatedAt).toISOString(),
    ...settings,
    auth:
      auth.type === 'basic'
        ? { type: 'basic', username: auth.username, passwordSet: true }
        : auth.type === 'bearer'
          ? { type: 'bearer', tokenSet: true }
          : auth.type === 'header'
            ? { type: 'header', name: auth.name, valueSet: true }
            : { type: 'none' },
    ...(signing
      ? {
          signing: {
            type: signing.type,
            activeSecrets: active.length,
            secrets: active.map((s) => ({ id: s.id, createdAt: new Date(s.createdAt).toISOString(), expiresAt: s.expiresAt === null ? null : new Date(s.expiresAt).toISOString() })),
          },
        }
      : {}),
  };
}
