import type { StoredAuth, StoredSigningSecret } from '@cuewire/templating';
import type { SecretBox } from './secret-box.js';
import { signatureHeaders } from './webhook-signer.js';

/** A webhook's auth with its secret opened, in memory only for the send that needs it. */
export type OpenedAuth =
  | { type: 'none' }
  | { type: 'basic'; username: string; password: string }
  | { type: 'bearer'; token: string }
  | { type: 'header'; name: string; value: string };

export interface DeliveryCredentials {
  readonly auth: OpenedAuth;
  /** Signing secrets still valid at send time (several during a rotation overlap). */
  readonly signingSecrets: readonly string[];
}

interface StoredCredentials {
  readonly id: string;
  readonly auth: StoredAuth;
  readonly signing?: { readonly secrets: readonly StoredSigningSecret[] };
}

/** The AAD a webhook's sealed secrets are bound to (one webhook's secret cannot be pasted onto another). */
export const secretContext = (webhookId: string) => `webhook:${webhookId}`;

/** Opens a stored webhook's credentials; secrets past their `expiresAt` no longer sign. */
export function openCredentials(webhook: StoredCredentials, box: SecretBox, now = Date.now()): DeliveryCredentials {
  const context = secretContext(webhook.id);
  const auth = webhook.auth;
  const opened: OpenedAuth =
    auth.type === 'basic'
      ? { type: 'basic', username: auth.username, password: box.open(auth.password, context) }
      : auth.type === 'bearer'
        ? { type: 'bearer', token: box.open(auth.token, context) }
        : auth.type === 'header'
          ? { type: 'header', name: auth.name.toLowerCase(), value: box.open(auth.value, context) }
          : { type: 'none' };
  const signingSecrets = (webhook.signing?.secrets ?? []).filter((s) => s.expiresAt === null || s.expiresAt > now).map((s) => box.open(s.value, context));
  return { auth: opened, signingSecrets };
}

export function authHeaders(auth: OpenedAuth): Record<string, string> {
  switch (auth.type) {
    case 'basic':
      return { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64')}` };
    case 'bearer':
      return { authorization: `Bearer ${auth.token}` };
    case 'header':
      return { [auth.name]: auth.value };
    default:
      return {};
  }
}

/**
 * The headers a delivery goes out with: the rendered ones, auth (which wins over a rendered
 * header of the same name), then the Standard Webhooks id/timestamp/signature over the exact
 * body bytes. Without signing secrets, `webhook-id` is still sent so receivers can dedupe.
 */
export function deliveryHeaders(rendered: Record<string, string>, deliveryId: string, body: string, credentials: DeliveryCredentials, at = new Date()): Record<string, string> {
  const headers: Record<string, string> = { ...rendered, 'user-agent': 'Cuewire/0.1', ...authHeaders(credentials.auth) };
  const signing = credentials.signingSecrets.length > 0 ? signatureHeaders(deliveryId, body, credentials.signingSecrets, at) : { 'webhook-id': deliveryId };
  return { ...headers, ...signing };
}

/** The same headers with every secret value replaced, for showing a request (send test) or logging one. */
export function redactHeaders(headers: Record<string, string>, credentials: DeliveryCredentials): Record<string, string> {
  const secretHeader = credentials.auth.type === 'none' ? undefined : credentials.auth.type === 'header' ? credentials.auth.name : 'authorization';
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => {
      if (name !== secretHeader) return [name, value];
      const scheme = /^(Basic|Bearer) /.exec(value)?.[1];
      return [name, scheme ? `${scheme} [redacted]` : '[redacted]'];
    }),
  );
}
