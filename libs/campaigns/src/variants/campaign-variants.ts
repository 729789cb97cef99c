import { createHash } from 'node:crypto';
import { z } from 'zod';

/** The id a control-group firing carries in place of a variant id (reserved: no variant may use it). */
export const CONTROL_GROUP = 'control';

/** Keys a variant's template variables may not use: `variant.id` and `variant.name` are the variant's own. */
const RESERVED_VARIABLES = new Set(['id', 'name']);

const variantId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/, 'must be 1–32 letters, digits, _ or -, starting with a letter or digit')
  .refine((id) => id !== CONTROL_GROUP, `"${CONTROL_GROUP}" is reserved for the control group`);

/** Percent of the campaign's firings, a whole number: variants and the control group add up to 100. */
const weight = z.number().int('must be a whole number (percent)').min(1).max(100);

/**
 * One arm of an A/B test. Its firings call its own `webhookIds` when it has them, the
 * campaign's otherwise; its `variables` are what webhook templates read as `{{variant.<name>}}`
 * (two subject lines, two offers), next to `{{variant.id}}` and `{{variant.name}}`.
 */
export const variantSchema = z
  .object({
    id: variantId,
    name: z.string().min(1).max(200).optional(),
    weight,
    webhookIds: z.array(z.string().min(1)).min(1).max(20).optional().describe("the webhooks this variant calls instead of the campaign's"),
    variables: z
      .record(z.string().min(1).max(100), z.union([z.string().max(10_000), z.number(), z.boolean(), z.null()]))
      .refine((v) => Object.keys(v).length <= 50, 'at most 50 variables')
      .optional()
      .describe('values webhook templates read as {{variant.<name>}} (id and name are reserved)'),
  })
  .strict()
  .superRefine((v, ctx) => {
    for (const key of Object.keys(v.variables ?? {})) {
      if (RESERVED_VARIABLES.has(key)) ctx.addIssue({ code: 'custom', path: ['variables', key], message: `reserved: {{variant.${key}}} is the variant's own ${key}` });
    }
  });

export const controlGroupSchema = z.object({ weight: weight.max(99) }).strict();

export type Variant = z.infer<typeof variantSchema>;
export type ControlGroup = z.infer<typeof controlGroupSchema>;

/** What a campaign's variant fields look like to the checks and the assignment below. */
export interface VariantSettings {
  readonly variants?: readonly Variant[];
  readonly controlGroup?: ControlGroup;
  readonly variantSeed?: string;
}

/** Cross-field rules (ids unique, weights add up to 100, a control group needs variants), as zod issues on the campaign. */
export function checkVariants(c: VariantSettings, ctx: z.RefinementCtx): void {
  if (c.controlGroup && !c.variants) ctx.addIssue({ code: 'custom', path: ['controlGroup'], message: 'needs variants (for a plain hold-out, give one variant the rest of the weight)' });
  if (!c.variants) return;
  const seen = new Map<string, number>();
  c.variants.forEach((v, i) => {
    const first = seen.get(v.id);
    if (first === undefined) seen.set(v.id, i);
    else ctx.addIssue({ code: 'custom', path: ['variants', i, 'id'], message: `duplicate of variants[${first}].id` });
  });
  const total = c.variants.reduce((sum, v) => sum + v.weight, 0) + (c.controlGroup?.weight ?? 0);
  if (total !== 100) {
    const parts = c.controlGroup ? 'variant weights and controlGroup.weight' : 'variant weights';
    ctx.addIssue({ code: 'custom', path: ['variants'], message: `${parts} must add up to 100 (percent); they add up to ${total}` });
  }
}

/**
 * Where a customer falls in [0, 1) for one campaign's test: SHA-256 of (campaign id, seed,
 * customer id), its first 52 bits. Pure, so any replica and any replay agree; a new seed is a
 * new draw for everyone.
 */
export function assignmentPoint(campaignId: string, seed: string, customerId: string): number {
  const digest = createHash('sha256').update(`${campaignId}\u0000${seed}\u0000${customerId}`).digest();
  return (digest.readUIntBE(0, 6) * 16 + (digest[6] >> 4)) / 2 ** 52;
}

/**
 * The arm a point falls in, over the cumulative weights in definition order with the control
 * group last. Deterministic, proportional to the weights, but *not* stable when weights change
 * (the cut points move): that is why a first assignment is kept (see VariantAssignments in the
 * evaluator) and this only decides customers seen for the first time.
 */
export function variantAt(c: VariantSettings, point: number): string {
  const variants = c.variants ?? [];
  const total = variants.reduce((sum, v) => sum + v.weight, 0) + (c.controlGroup?.weight ?? 0);
  let edge = 0;
  for (const v of variants) {
    edge += v.weight / total;
    if (point < edge) return v.id;
  }
  return c.controlGroup ? CONTROL_GROUP : (variants.at(-1)?.id ?? CONTROL_GROUP);
}

/** A first-time customer's arm: `variantAt` of their point. */
export function drawVariant(campaign: VariantSettings & { readonly id: string }, customerId: string): string {
  return variantAt(campaign, assignmentPoint(campaign.id, campaign.variantSeed ?? '', customerId));
}

/** Every arm a stored assignment may still name: the variants, and the control group when there is one. */
export function variantArms(c: VariantSettings): string[] {
  return [...(c.variants ?? []).map((v) => v.id), ...(c.controlGroup ? [CONTROL_GROUP] : [])];
}

/** What a firing assigned to `arm` does: which webhooks it calls (none for the control group) and the variant's template data. */
export function variantFiring(campaign: VariantSettings & { readonly webhookIds: readonly string[] }, arm: string): { id: string; name: string; webhookIds: string[]; variables: Record<string, unknown> } {
  if (arm === CONTROL_GROUP) return { id: CONTROL_GROUP, name: 'Control group', webhookIds: [], variables: {} };
  const variant = campaign.variants?.find((v) => v.id === arm);
  if (!variant) throw new Error(`variant ${arm} is not one of the campaign's`);
  return { id: variant.id, name: variant.name ?? variant.id, webhookIds: [...(variant.webhookIds ?? campaign.webhookIds)], variables: variant.variables ?? {} };
}

/**
 * The arm a customer is in: the one first recorded for them (`stored`) while the campaign still
 * has it — so editing weights never moves anyone already assigned — else a fresh draw (first
 * firing, or their variant was removed).
 */
export function keptVariant(campaign: VariantSettings & { readonly id: string }, customerId: string, stored: string | null): string {
  return stored !== null && variantArms(campaign).includes(stored) ? stored : drawVariant(campaign, customerId);
}
