import { TemplateLimitError } from './render-budget.js';
import { compileTemplate, createTemplateEngine, TemplateCompileError } from './template-engine.js';
import { webhookDefinitionSchema } from './webhook.definition.js';
import { CompiledWebhook, RenderError } from './webhook-request.renderer.js';

const engine = createTemplateEngine();
const nasty = 'Ada {{customer.id}} "quoted" \'single\'\nnew line </script><script>alert(1)</script> & a=b&c=d ünïcødé 🎉 \u2028 \\ back';
const context = { customer: { id: 'c-1', firstName: nasty, items: [1, 2, 3] } };
const webhook = (fields: Record<string, unknown>) => new CompiledWebhook(engine, { ...webhookDefinitionSchema.parse({ name: 'n', url: 'https://x.test/', ...fields }), id: 'wh' });

describe('template injection: profile values stay data', () => {
  it('a JSON body carries the value exactly, escaped, and `{{` in data is not evaluated', () => {
    const rendered = webhook({ body: '{"name": {{json customer.firstName}}, "greeting": {{#jsonString}}Hello {{customer.firstName}}!{{/jsonString}} }' }).render(context);
    expect(JSON.parse(rendered.body)).toEqual({ name: nasty, greeting: `Hello ${nasty}!` });
  });

  it('form fields are encoded by Cuewire, so & and = in values cannot add fields', () => {
    const rendered = webhook({ contentType: 'application/x-www-form-urlencoded', form: { name: '{{customer.firstName}}', id: '{{customer.id}}' } }).render(context);
    const fields = new URLSearchParams(rendered.body);
    expect([...fields.keys()]).toEqual(['name', 'id']);
    expect(fields.get('name')).toBe(nasty);
  });

  it('a JSON-in-form body (data=<json>) decodes to the value exactly', () => {
    const rendered = webhook({ contentType: 'application/x-www-form-urlencoded', formJsonField: 'data', body: '{"n": {{json customer.firstName}} }' }).render(context);
    expect(JSON.parse(new URLSearchParams(rendered.body).get('data')!)).toEqual({ n: nasty });
  });

  it('urlencode keeps a value inside its URL segment', () => {
    const rendered = webhook({ url: 'https://x.test/c/{{urlencode customer.firstName}}?q=1' }).render(context);
    expect(decodeURIComponent(new URL(rendered.url).pathname.split('/')[2])).toBe(nasty);
  });
});

describe('prototype access', () => {
  it.each(['{{customer.__proto__}}', '{{json customer.constructor}}', '{{#with customer}}{{constructor.name}}{{/with}}', '{{lookup customer.prototype "x"}}'])('refuses %s at save time', (source) => {
    expect(() => compileTemplate(engine, source, 'body')).toThrow(TemplateCompileError);
  });

  it('a dynamic lookup of "constructor" finds nothing (fails as missing, never reaches Object)', () => {
    expect(() => webhook({ body: '{"x": {{json (lookup customer "constructor")}} }' }).render(context)).toThrow(/missing/);
  });

  it('an own "__proto__" key in customer data is plain data', () => {
    const data = JSON.parse('{"customer": {"id": "c", "__proto__": {"polluted": true}}}');
    expect(webhook({ body: '{"x": {{json customer}} }' }).render(data).body).toContain('polluted');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses partials (inline partials could recurse) and decorators', () => {
    expect(() => compileTemplate(engine, '{{#*inline "p"}}{{> p}}{{/inline}}{{> p}}', 'body')).toThrow(/partials/);
  });
});

describe('bounded output and work', () => {
  const big = { list: Array.from({ length: 1000 }, (_, i) => i), text: 'x'.repeat(10_000) };

  it('stops a template that loops hugely (nested each) with a clear error, fast', () => {
    const started = performance.now();
    const render = compileTemplate(engine, '{{#each list}}{{#each @root.list}}{{#each @root.list}}.{{/each}}{{/each}}{{/each}}', 'body');
    expect(() => render(big)).toThrow(TemplateLimitError);
    expect(() => render(big)).toThrow(/steps/);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('stops output growing past the limit', () => {
    const render = compileTemplate(engine, '{{#each list}}{{@root.text}}{{/each}}', 'body');
    expect(() => render(big)).toThrow(/output exceeded 262144 bytes/);
  });

  it('honours configured limits, including the wall-clock budget', () => {
    const small = createTemplateEngine({ maxOutputBytes: 2048, maxSteps: 1_000_000, maxRenderMs: 1 });
    expect(() => compileTemplate(small, '{{text}}', 'body')(big)).toThrow(/output exceeded 2048 bytes/);
    expect(() => compileTemplate(small, '{{#each list}}{{#each @root.list}}{{sum @root.list}}{{/each}}{{/each}}', 'body')(big)).toThrow(TemplateLimitError);
  });

  it('a render failure is a RenderError naming the field (the renderer dead-letters it; the process lives on)', () => {
    expect(() => webhook({ body: '{{#each customer.items}}{{#each @root.customer.items}}{{json @root.customer}}{{/each}}{{/each}}' }).render({ customer: { id: 'c', items: big.list, blob: big.text } })).toThrow(RenderError);
  });

  it('a syntax error names the field, line and column, with a hint for the "}}}" trap', () => {
    expect(() => compileTemplate(engine, '{\n  "a": {{json x}}}', 'body')).toThrow(/line 2[\s\S]*put a space/);
  });
});
