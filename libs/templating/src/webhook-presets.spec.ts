import { createTemplateEngine } from './template-engine.js';
import type { TemplateContext } from './template-context.js';
import { webhookDefinitionSchema } from './webhook.definition.js';
import { describePresets, expandPreset } from './webhook-presets.js';
import { CompiledWebhook, type RenderedRequest } from './webhook-request.renderer.js';

// Golden requests: the exact bytes each preset renders for one fixed context. A change here
// changes what providers receive; update the expectation only on purpose.
const context: TemplateContext = {
  customer: { id: 'c-42', email: 'ada@example.com', firstName: 'Ada', phone: '+15005550006' },
  event: { id: 'evt-1', type: 'purchase', occurredAt: '2026-03-01T10:00:00.000Z', properties: { total: 129.5, currency: 'EUR', items: [{ sku: 'PLATE-6', qty: 1, price: 89.5 }, { sku: 'MUG-2', qty: 2, price: 20 }] } },
  events: [],
  campaign: { id: 'thanks', name: 'Thank you', version: 3 },
  webhook: { id: 'wh', name: 'x' },
  delivery: { id: 'msg_1' },
  trigger: { id: 'trg_1', firedAt: '2026-03-01T10:00:01.000Z' },
  variant: {},
};
const cases: Record<string, [string, Record<string, unknown>]> = {
  sendgrid: ['sendgrid', { apiKey: 'SG.test-key', fromEmail: 'shop@example.com', fromName: 'The Shop' }],
  twilio: ['twilio', { accountSid: 'AC0123456789abcdef0123456789abcdef', authToken: 'twilio-token', from: '+15005550001' }],
  slack: ['slack', { webhookUrl: 'https://hooks.slack.com/services/T000/B000/XXXX' }],
  'generic-json': ['generic-json', { url: 'https://receiver.example.com/hooks' }],
  smartech: ['custom', { name: 'Smartech', url: 'https://smartech.example.com/api/v2/message/', contentType: 'application/x-www-form-urlencoded', formJsonField: 'data', body: '{"panel": [{"webhook_name": "PURCHASE", "event_params": {"foreignkey": {{json customer.id}}, "total": {{json event.properties.total}} }, "att_params": {"FIRST_NAME": {{json customer.firstName}} }}]}' }],
};


const golden: Record<string, RenderedRequest> = {
  "sendgrid": { method: "POST", url: "https://api.sendgrid.com/v3/mail/send", headers: {"content-type": "application/json"}, body: "{\"personalizations\": [{\"to\": [{\"email\": \"ada@example.com\", \"name\": \"Ada\" }]}], \"from\": {\"email\": \"shop@example.com\", \"name\": \"The Shop\"}, \"subject\": \"Thank you for your order, Ada\", \"content\": [{\"type\": \"text/plain\", \"value\": \"We received your order of €129.50.\" }]}" },
  "twilio": { method: "POST", url: "https://api.twilio.com/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages.json", headers: {"content-type": "application/x-www-form-urlencoded"}, body: "To=%2B15005550006&From=%2B15005550001&Body=Thanks+Ada%21+Your+order+of+%E2%82%AC129.50+is+confirmed." },
  "slack": { method: "POST", url: "https://hooks.slack.com/services/T000/B000/XXXX", headers: {"content-type": "application/json"}, body: "{\"text\": \"New order from Ada: €129.50\" }" },
  "generic-json": { method: "POST", url: "https://receiver.example.com/hooks", headers: {"content-type": "application/json"}, body: "{\"type\": \"campaign.triggered\", \"deliveryId\": \"msg_1\", \"campaign\": {\"id\":\"thanks\",\"name\":\"Thank you\",\"version\":3}, \"customer\": {\"id\":\"c-42\",\"email\":\"ada@example.com\",\"firstName\":\"Ada\",\"phone\":\"+15005550006\"}, \"event\": {\"id\":\"evt-1\",\"type\":\"purchase\",\"occurredAt\":\"2026-03-01T10:00:00.000Z\",\"properties\":{\"total\":129.5,\"currency\":\"EUR\",\"items\":[{\"sku\":\"PLATE-6\",\"qty\":1,\"price\":89.5},{\"sku\":\"MUG-2\",\"qty\":2,\"price\":20}]}}, \"events\": [], \"firedAt\": \"2026-03-01T10:00:01.000Z\" }" },
  "smartech": { method: "POST", url: "https://smartech.example.com/api/v2/message/", headers: {"content-type": "application/x-www-form-urlencoded"}, body: "data=%7B%22panel%22%3A+%5B%7B%22webhook_name%22%3A+%22PURCHASE%22%2C+%22event_params%22%3A+%7B%22foreignkey%22%3A+%22c-42%22%2C+%22total%22%3A+129.5+%7D%2C+%22att_params%22%3A+%7B%22FIRST_NAME%22%3A+%22Ada%22+%7D%7D%5D%7D" },
};

const engine = createTemplateEngine();
function render(name: string): { request: RenderedRequest; definition: ReturnType<typeof webhookDefinitionSchema.parse> } {
  const [preset, params] = cases[name];
  const definition = webhookDefinitionSchema.parse(preset === 'custom' ? params : expandPreset(preset, params, {}));
  return { request: new CompiledWebhook(engine, { ...definition, id: 'wh' }).render(context), definition };
}

describe('provider presets', () => {
  it.each(Object.keys(golden))('%s renders exactly the golden request', (name) => {
    expect(render(name).request).toEqual(golden[name]);
  });

  it('SendGrid: a v3 mail send body (personalizations[].to[], from, subject, content[]) with a bearer key', () => {
    const { request, definition } = render('sendgrid');
    expect(definition.auth).toEqual({ type: 'bearer', token: 'SG.test-key' });
    expect(request.url).toBe('https://api.sendgrid.com/v3/mail/send');
    const body = JSON.parse(request.body);
    expect(Object.keys(body).sort()).toEqual(['content', 'from', 'personalizations', 'subject']);
    expect(body.personalizations).toEqual([{ to: [{ email: 'ada@example.com', name: 'Ada' }] }]);
    expect(body.from).toEqual({ email: 'shop@example.com', name: 'The Shop' });
    expect(body.content).toEqual([{ type: 'text/plain', value: expect.stringContaining('129.50') }]);
    expect(typeof body.subject).toBe('string');
  });

  it('SendGrid with a dynamic template: template_id and dynamic_template_data instead of subject/content', () => {
    const definition = webhookDefinitionSchema.parse(expandPreset('sendgrid', { apiKey: 'k', fromEmail: 'shop@example.com', templateId: 'd-123' }, {}));
    const body = JSON.parse(new CompiledWebhook(engine, { ...definition, id: 'wh' }).render(context).body);
    expect(body.template_id).toBe('d-123');
    expect(body.subject).toBeUndefined();
    expect(body.personalizations[0].dynamic_template_data).toEqual({ customer: context.customer, event: context.event, campaign: context.campaign });
  });

  it('Twilio: form fields To/From/Body, basic auth with the account SID, the SID in the URL', () => {
    const { request, definition } = render('twilio');
    expect(definition.auth).toEqual({ type: 'basic', username: 'AC0123456789abcdef0123456789abcdef', password: 'twilio-token' });
    expect(Object.fromEntries(new URLSearchParams(request.body))).toEqual({ To: '+15005550006', From: '+15005550001', Body: expect.stringContaining('Ada') });
  });

  it('Smartech style: one form field `data` whose value decodes to the expected JSON', () => {
    const { request } = render('smartech');
    const fields = new URLSearchParams(request.body);
    expect([...fields.keys()]).toEqual(['data']);
    expect(JSON.parse(fields.get('data')!)).toEqual({ panel: [{ webhook_name: 'PURCHASE', event_params: { foreignkey: 'c-42', total: 129.5 }, att_params: { FIRST_NAME: 'Ada' } }] });
  });

  it('a preset yields an ordinary webhook: overrides win, unknown presets and bad params are errors with paths', () => {
    expect(expandPreset('slack', { webhookUrl: 'https://hooks.slack.com/x' }, { name: 'Mine', timeoutMs: 2000 })).toMatchObject({ name: 'Mine', timeoutMs: 2000 });
    expect(() => expandPreset('mailchimp', {}, {})).toThrow(/unknown preset/);
    expect(() => expandPreset('twilio', { accountSid: 'nope', authToken: 't', from: '+1' }, {})).toThrow(/params.accountSid/);
  });

  it('lists every preset with its parameters as JSON Schema', () => {
    const listed = describePresets();
    expect(listed.map((p) => p.id)).toEqual(['sendgrid', 'twilio', 'slack', 'generic-json', 'smartech']);
    expect(listed[0].params).toMatchObject({ type: 'object', required: expect.arrayContaining(['apiKey', 'fromEmail']) });
  });
});
