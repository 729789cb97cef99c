import { campaignDefinitionSchema } from '../campaign.definition.js';
import { assignmentPoint, CONTROL_GROUP, drawVariant, keptVariant, variantAt, variantFiring, type VariantSettings } from './campaign-variants.js';

const customers = (n: number, prefix = 'c') => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

function shares(campaign: VariantSettings & { id: string }, ids: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const id of ids) {
    const arm = drawVariant(campaign, id);
    counts[arm] = (counts[arm] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).map(([arm, n]) => [arm, n / ids.length]));
}

const base = { name: 'Spring offer', status: 'live', trigger: { type: 'event', eventType: 'purchase' }, webhookIds: ['email'] };

describe('variant assignment', () => {
  it('is a pure function of campaign id, seed and customer id', () => {
    const campaign = { id: 'spring', variants: [{ id: 'a', weight: 50 }, { id: 'b', weight: 50 }] };
    for (const id of customers(1_000)) expect(drawVariant(campaign, id)).toBe(drawVariant({ ...campaign }, id));
    expect(assignmentPoint('spring', '', 'c-1')).toBe(assignmentPoint('spring', '', 'c-1'));
    expect(assignmentPoint('spring', '', 'c-1')).not.toBe(assignmentPoint('spring', 'round-2', 'c-1'));
    expect(assignmentPoint('spring', '', 'c-1')).not.toBe(assignmentPoint('autumn', '', 'c-1'));
  });

  it('lands points uniformly in [0, 1)', () => {
    const points = customers(20_000).map((id) => assignmentPoint('spring', '', id));
    expect(Math.min(...points)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...points)).toBeLessThan(1);
    const deciles = new Array(10).fill(0);
    for (const p of points) deciles[Math.floor(p * 10)]++;
    for (const n of deciles) expect(Math.abs(n / points.length - 0.1)).toBeLessThan(0.01);
  });

  it('is proportional to the weights, control group included', () => {
    const campaign = { id: 'spring', variants: [{ id: 'a', weight: 20 }, { id: 'b', weight: 70 }], controlGroup: { weight: 10 } };
    const s = shares(campaign, customers(50_000));
    expect(s.a).toBeCloseTo(0.2, 1);
    expect(s.b).toBeCloseTo(0.7, 1);
    expect(s[CONTROL_GROUP]).toBeCloseTo(0.1, 1);
    for (const [arm, expected] of [['a', 0.2], ['b', 0.7], [CONTROL_GROUP, 0.1]] as const) expect(Math.abs(s[arm] - expected)).toBeLessThan(0.01);
  });

  it('maps points over the cumulative weights in definition order, the control group last', () => {
    const campaign = { variants: [{ id: 'a', weight: 45 }, { id: 'b', weight: 45 }], controlGroup: { weight: 10 } };
    expect(variantAt(campaign, 0)).toBe('a');
    expect(variantAt(campaign, 0.4499)).toBe('a');
    expect(variantAt(campaign, 0.45)).toBe('b');
    expect(variantAt(campaign, 0.8999)).toBe('b');
    expect(variantAt(campaign, 0.9)).toBe(CONTROL_GROUP);
    expect(variantAt(campaign, 0.99999)).toBe(CONTROL_GROUP);
  });

  it('never moves an already assigned customer when weights are edited; new customers follow the new weights', () => {
    const before = { id: 'spring', variants: [{ id: 'a', weight: 50 }, { id: 'b', weight: 50 }] };
    const stored = new Map(customers(10_000).map((id) => [id, keptVariant(before, id, null)]));
    const after = { id: 'spring', variants: [{ id: 'a', weight: 10 }, { id: 'b', weight: 80 }], controlGroup: { weight: 10 } };
    // Plain re-drawing would move about 40 % of them:
    expect([...stored].filter(([id, arm]) => drawVariant(after, id) !== arm).length).toBeGreaterThan(3_000);
    for (const [id, arm] of stored) expect(keptVariant(after, id, arm)).toBe(arm);
    const newcomers = shares(after, customers(20_000, 'new'));
    expect(Math.abs(newcomers.b - 0.8)).toBeLessThan(0.015);
  });

  it('draws again only the customers of a variant that was removed', () => {
    const before = { id: 'spring', variants: [{ id: 'a', weight: 34 }, { id: 'b', weight: 33 }, { id: 'c', weight: 33 }] };
    const after = { id: 'spring', variants: [{ id: 'a', weight: 50 }, { id: 'b', weight: 50 }] };
    for (const id of customers(3_000)) {
      const arm = keptVariant(before, id, null);
      const kept = keptVariant(after, id, arm);
      if (arm === 'c') expect(['a', 'b']).toContain(kept);
      else expect(kept).toBe(arm);
    }
  });

  it("gives the control group no webhooks, and a variant its own webhooks or the campaign's", () => {
    const campaign = { webhookIds: ['email'], variants: [{ id: 'a', weight: 50, variables: { subject: 'Hi' } }, { id: 'b', name: 'SMS', weight: 40, webhookIds: ['sms'] }], controlGroup: { weight: 10 } };
    expect(variantFiring(campaign, 'a')).toEqual({ id: 'a', name: 'a', webhookIds: ['email'], variables: { subject: 'Hi' } });
    expect(variantFiring(campaign, 'b')).toEqual({ id: 'b', name: 'SMS', webhookIds: ['sms'], variables: {} });
    expect(variantFiring(campaign, CONTROL_GROUP).webhookIds).toEqual([]);
  });
});

describe('variant settings validation', () => {
  const issues = (body: object) => {
    const result = campaignDefinitionSchema.safeParse({ ...base, ...body });
    return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('accepts two variants and a control group adding up to 100', () => {
    expect(issues({ variants: [{ id: 'a', weight: 45, variables: { subject: 'A' } }, { id: 'b', weight: 45 }], controlGroup: { weight: 10 }, variantSeed: 'spring-1' })).toEqual([]);
  });

  it('names the field and the reason', () => {
    expect(issues({ variants: [{ id: 'a', weight: 50 }, { id: 'b', weight: 60 }] })).toEqual(['variants: variant weights must add up to 100 (percent); they add up to 110']);
    expect(issues({ variants: [{ id: 'a', weight: 50 }, { id: 'a', weight: 50 }] })).toEqual(['variants.1.id: duplicate of variants[0].id']);
    expect(issues({ variants: [{ id: 'control', weight: 100 }] })).toEqual(['variants.0.id: "control" is reserved for the control group']);
    expect(issues({ variants: [{ id: 'a', weight: 0.5 }, { id: 'b', weight: 99.5 }] })).toContain('variants.0.weight: must be a whole number (percent)');
    expect(issues({ variants: [{ id: 'a', weight: 100, variables: { id: 'x' } }] })).toEqual(["variants.0.variables.id: reserved: {{variant.id}} is the variant's own id"]);
    expect(issues({ controlGroup: { weight: 10 } })).toEqual(['controlGroup: needs variants (for a plain hold-out, give one variant the rest of the weight)']);
    expect(issues({ variants: [{ id: 'a', weight: 50 }], controlGroup: { weight: 10 } })).toEqual(['variants: variant weights and controlGroup.weight must add up to 100 (percent); they add up to 60']);
  });
});
