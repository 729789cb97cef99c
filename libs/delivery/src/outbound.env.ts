import { z } from 'zod';

/**
 * Settings of every process that sends webhooks (the dispatcher, and the control plane for
 * send test) or seals/opens their secrets. One definition, so both read the same names and
 * defaults; each app spreads `.shape` into its env schema.
 */
export const outboundEnvSchema = z.object({
  /** Private ranges webhooks may reach anyway (CIDRs, comma-separated), e.g. 127.0.0.0/8 for local receivers. */
  DISPATCH_ALLOW_PRIVATE_CIDRS: z
    .string()
    .default('')
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean)),
  /**
   * HTTP(S) proxy every webhook request (and send test) leaves through, so receivers can
   * allow-list its addresses. The private-network guard still checks the destination first.
   */
  DISPATCH_EGRESS_PROXY: z
    .string()
    .optional()
    .transform((v) => (v ? v : undefined))
    .refine((v) => v === undefined || isProxyUrl(v), { message: 'DISPATCH_EGRESS_PROXY must be an http:// or https:// URL with a host, e.g. http://egress.internal:3128' }),
  /** Hosts that skip the proxy (comma-separated): `hooks.internal` exact, `.example.com` for a domain and its subdomains. */
  DISPATCH_EGRESS_PROXY_BYPASS: z
    .string()
    .default('')
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean)),
  DISPATCH_MAX_RESPONSE_BYTES: z.coerce.number().int().min(0).max(1_048_576).default(4_096),
  /** 32 random bytes, base64: the AES-256-GCM key of webhook secrets at rest. Required in production. */
  CUEWIRE_SECRETS_KEY: z.string().optional(),
});

export type OutboundEnv = z.infer<typeof outboundEnvSchema>;

function isProxyUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}
