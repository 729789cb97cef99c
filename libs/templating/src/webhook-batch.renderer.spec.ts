import { createTemplateEngine } from './template-engine.js';
import type { TemplateContext } from './template-context.js';
import { webhookDefinitionSchema } from './webhook.definition.js';
import { expandPreset } from './webhook-presets.js';
import { batchIdFor, CompiledBatch, type BatchItemInput } from './webhook-batch.renderer.js';
import { CompiledWebhook } from './webhook-request.renderer.js';

const engine = createTemplateEngine();
const context = (customerId: string, deliveryId: string): TemplateContext => ({
  customer: { id: customerId, firstName: 'Ada' },
  event: { id: 'evt-1', type: 'purchase', occurredAt: '2026-03-01T10:00:00.000Z', properties: { total: 10 } },
  events: [],
  campaign: { id: 'thanks', name: 'Thank you', version: 1 },
  webhook: { id: 'st', name: 'Smartech activities' },
  delivery: { id: deliveryId },
  trigger: { id: `trg-${deliveryId}`, firedAt: '2026-03-01T10:00:01.000Z' },
  variant: {},
});
const item = (n: number, body: string): BatchItemInput => ({ deliveryId: `msg_${n}`, triggerId: `trg_${n}`, campaignId: 'thanks', customerId: `c-${n}`, createdAt: Date.UTC(2026, 2, 1), body });
const webhook = (overrides: Record<string, unknown>) => ({ ...webhookDefinitionSchema.parse({ name: 'b', url: 'https://receiver.example/b', ...overrides }), id: 'b' });

describe('batched webhooks', () => {
  it('Smartech preset: items rendered one by one, the batch sent as data={"<panel>": [ … ]} with every delivery id once', () => {
    const definition = { ...webhookDefinitionSchema.parse(expandPreset('smartech', { url: 'https://smartech.example/api/v2/message/', panelName: 'shop_panel', username: 'u', password: 'p' }, {})), id: 'st' };
    expect(definition.batch).toMatchObject({ maxItems: 100, maxWaitMs: 5_000 });
    expect(definition.auth).toEqual({ type: 'basic', username: 'u', password: 'p' });
    const compiled = new CompiledWebhook(engine, definition);
    const items = ['msg_a', 'msg_b', 'msg_c'].map((id, n) => item(n, compiled.render(context(`c-${n}`, id)).body));
    // An item is the activity itself, not yet form-encoded: the batch is.
    expect(JSON.parse(items[0].body)).toMatchObject({ delivery_id: 'msg_a', event_params: { identity: 'c-0' }, payload_params: { type: 'purchase' } });
    const body = new CompiledBatch(engine, { ...definition, batch: definition.batch! }).render('bat_1', items);
    const fields = new URLSearchParams(body);
    expect([...fields.keys()]).toEqual(['data']);
    const data = JSON.parse(fields.get('data')!);
    expect(Object.keys(data)).toEqual(['shop_panel']);
    expect(data.shop_panel.map((a: { delivery_id: string }) => a.delivery_id)).toEqual(['msg_a', 'msg_b', 'msg_c']);
  });

  it('a batch template sees the batch id and size, each item’s ids, its body and its parsed data', () => {
    const compiled = new CompiledBatch(
      engine,
      webhook({ batch: { maxItems: 10, maxWaitMs: 100, template: '{"id": {{json batch.id}}, "n": {{batch.size}}, "items": [{{#each items}}{{#unless @first}},{{/unless}}{"id": {{json this.deliveryId}}, "customer": {{json this.customerId}}, "sku": {{json this.data.sku}} }{{/each}}]}' } }) as never,
    );
    const body = compiled.render('bat_x', [item(1, '{"sku": "A"}'), item(2, '{"sku": "B"}')]);
    expect(JSON.parse(body)).toEqual({ id: 'bat_x', n: 2, items: [{ id: 'msg_1', customer: 'c-1', sku: 'A' }, { id: 'msg_2', customer: 'c-2', sku: 'B' }] });
  });

  it('a batch template sees each item’s A/B variant, null for an item whose campaign has none', () => {
    const compiled = new CompiledBatch(engine, webhook({ batch: { maxItems: 10, maxWaitMs: 100, template: '[{{#each items}}{{#unless @first}},{{/unless}}{{json this.variant}}{{/each}}]' } }) as never);
    expect(JSON.parse(compiled.render('bat_x', [{ ...item(1, '{}'), variant: 'b' }, item(2, '{}')]))).toEqual(['b', null]);
  });

  it('a batch template that renders invalid JSON fails as batch.template', () => {
    const compiled = new CompiledBatch(engine, webhook({ batch: { maxItems: 10, maxWaitMs: 100, template: '[{{#each items}}{{this.body}}{{/each}}]' } }) as never);
    expect(() => compiled.render('bat_x', [item(1, '{}'), item(2, '{}')])).toThrow(/^batch.template: rendered body is not valid JSON/);
  });

  it('validates batch settings with the field and the reason', () => {
    const issues = (batch: unknown, extra: Record<string, unknown> = {}) => {
      const parsed = webhookDefinitionSchema.safeParse({ name: 'b', url: 'https://receiver.example/b', batch, ...extra });
      return parsed.success ? [] : parsed.error.issues.map((i) => i.path.join('.'));
    };
    expect(issues({ maxItems: 1_001, maxWaitMs: 100, template: '{{#each items}}{{/each}}' })).toEqual(['batch.maxItems']);
    expect(issues({ maxItems: 10, maxWaitMs: 60_001, template: '{{#each items}}{{/each}}' })).toEqual(['batch.maxWaitMs']);
    expect(issues({ maxItems: 10, maxWaitMs: 100, template: '[]' })).toEqual(['batch.template']);
    expect(issues({ maxItems: 10, maxWaitMs: 100, template: '{{#each items}}{{/each}}', extra: 1 })).toEqual(['batch']);
    expect(issues({ maxItems: 10, maxWaitMs: 100, template: '{{#each items}}{{/each}}' }, { contentType: 'application/x-www-form-urlencoded', form: { a: 'b' } })).toEqual(['batch']);
  });

  it('names a batch by its items in order: the same items, the same id', () => {
    expect(batchIdFor(['msg_1', 'msg_2'])).toBe(batchIdFor(['msg_1', 'msg_2']));
    expect(batchIdFor(['msg_1', 'msg_2'])).not.toBe(batchIdFor(['msg_2']));
    expect(batchIdFor(['msg_1'])).toMatch(/^bat_[0-9a-f]{32}$/);
  });
});
