import type { CampaignTrigger } from '@cuewire/contracts';
import { templateContext } from './template-context.js';
import { createTemplateEngine, TemplateCompileError } from './template-engine.js';
import { webhookSettingsSchema, type Webhook } from './webhook.definition.js';
import { CompiledWebhook, deliveryIdFor, RenderError } from './webhook-request.renderer.js';

const engine = createTemplateEngine();
const webhook = (overrides: Partial<Webhook> = {}): Webhook => ({
  auth: { type: 'none' },
  ...webhookSettingsSchema.parse({
    name: 'orders',
    url: 'https://example.test/orders/{{customer.id}}',
    headers: { 'X-Campaign': '{{campaign.id}}' },
    body: '{"name": {{json customer.firstName}}, "total": {{json event.properties.total}}, "items": {{json event.properties.items}} }',
  }),
  id: 'wh1',
  revision: 1,
  ...overrides,
});
const context = {
  customer: { id: 'c-1', firstName: 'Ada "The Countess" </script>\n{{x}}' },
  campaign: { id: 'thanks' },
  event: { properties: { total: 129.5, items: [{ sku: 'PLATE', qty: 2 }] } },
};

describe('webhook rendering', () => {
  it('renders URL, headers and a JSON body with values embedded as data', () => {
    const rendered = new CompiledWebhook(engine, webhook()).render(context);
    expect(rendered.url).toBe('https://example.test/orders/c-1');
    expect(rendered.headers).toEqual({ 'content-type': 'application/json', 'x-campaign': 'thanks' });
    expect(JSON.parse(rendered.body)).toEqual({ name: context.customer.firstName, total: 129.5, items: [{ sku: 'PLATE', qty: 2 }] });
  });

  it('fails on a missing field instead of rendering an empty string (strict)', () => {
    expect(() => new CompiledWebhook(engine, webhook({ body: '{"x": {{json customer.lastName}} }' })).render(context)).toThrow(RenderError);
  });

  it('uses the default helper for optional fields', () => {
    const rendered = new CompiledWebhook(engine, webhook({ body: '{"x": {{json (default customer.lastName "n/a")}} }' })).render(context);
    expect(JSON.parse(rendered.body)).toEqual({ x: 'n/a' });
  });

  it('does not reach prototype properties (refused when compiled, so at save time)', () => {
    expect(() => new CompiledWebhook(engine, webhook({ body: '{"x": {{json customer.constructor}} }' }))).toThrow(/"constructor" may not be used/);
  });

  it('renders plain text as is, with a charset', () => {
    const rendered = new CompiledWebhook(engine, webhook({ contentType: 'text/plain', body: 'Hi {{customer.firstName}}' })).render(context);
    expect(rendered).toMatchObject({ headers: { 'content-type': 'text/plain; charset=utf-8' }, body: `Hi ${context.customer.firstName}` });
  });

  it('rejects a rendered body that is not JSON', () => {
    expect(() => new CompiledWebhook(engine, webhook({ body: '{"name": {{customer.firstName}} }' })).render(context)).toThrow(/not valid JSON/);
  });

  it('reports template syntax errors with the field and line at compile time', () => {
    try {
      new CompiledWebhook(engine, webhook({ body: '{\n"a": {{json x}}}' }));
      throw new Error('expected a compile error');
    } catch (error) {
      expect(error).toBeInstanceOf(TemplateCompileError);
      expect((error as TemplateCompileError).field).toBe('body');
      expect((error as Error).message).toMatch(/line 2/);
    }
  });

  it('strips CR/LF from rendered header values (no header injection)', () => {
    const rendered = new CompiledWebhook(engine, webhook({ headers: { 'X-Name': '{{customer.firstName}}' } })).render(context);
    expect(rendered.headers['x-name']).not.toMatch(/[\r\n]/);
  });
});

describe('delivery id', () => {
  it('is deterministic per trigger and webhook', () => {
    expect(deliveryIdFor('trg_1', 'wh1')).toBe(deliveryIdFor('trg_1', 'wh1'));
    expect(deliveryIdFor('trg_1', 'wh1')).not.toBe(deliveryIdFor('trg_1', 'wh2'));
    expect(deliveryIdFor('trg_1', 'wh1')).toMatch(/^msg_[0-9a-f]{32}$/);
  });

  it('holds the variant only when the campaign has variants, so existing ids do not change', () => {
    expect(deliveryIdFor('trg_1', 'wh1')).toBe('msg_c13faab225366c19e3a0263f82944940');
    expect(deliveryIdFor('trg_1', 'wh1', null)).toBe(deliveryIdFor('trg_1', 'wh1'));
    expect(deliveryIdFor('trg_1', 'wh1', 'a')).not.toBe(deliveryIdFor('trg_1', 'wh1'));
    expect(deliveryIdFor('trg_1', 'wh1', 'a')).not.toBe(deliveryIdFor('trg_1', 'wh1', 'b'));
    expect(deliveryIdFor('trg_1', 'wh1', 'a')).toBe(deliveryIdFor('trg_1', 'wh1', 'a'));
  });
});

describe('variant in templates', () => {
  const trigger = (variant: Pick<CampaignTrigger, 'variant' | 'variantName' | 'variantVariables'>): CampaignTrigger => ({
    triggerId: 'trg_1', campaignId: 'spring', campaignVersion: 2, campaignName: 'Spring', customerId: 'c-1', webhookIds: ['wh1'], events: [], profile: '{}', firedAt: 0, ...variant,
  });
  const subject = webhook({ body: '{"subject": {{json (default variant.subject "Thanks")}}, "variant": {{json (default variant.id "none")}} }' });

  it("exposes the variant's id, name and variables", () => {
    const context = templateContext(trigger({ variant: 'b', variantName: 'Free shipping', variantVariables: '{"subject":"Free shipping on your next order"}' }), { id: 'wh1', name: 'orders' }, 'msg_1');
    expect(context.variant).toEqual({ id: 'b', name: 'Free shipping', subject: 'Free shipping on your next order' });
    expect(JSON.parse(new CompiledWebhook(engine, subject).render(context).body)).toEqual({ subject: 'Free shipping on your next order', variant: 'b' });
  });

  it('is empty for a campaign without variants (templates guard it with default)', () => {
    const context = templateContext(trigger({ variant: null, variantName: null, variantVariables: null }), { id: 'wh1', name: 'orders' }, 'msg_1');
    expect(context.variant).toEqual({});
    expect(JSON.parse(new CompiledWebhook(engine, subject).render(context).body)).toEqual({ subject: 'Thanks', variant: 'none' });
  });
});
