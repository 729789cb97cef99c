import { compileTemplate, createTemplateEngine } from './template-engine.js';

const engine = createTemplateEngine();
const render = (source: string, context: object = {}) => compileTemplate(engine, source, 'body')(context);
const order = { items: [{ sku: 'A', qty: 2, price: 10.5 }, { sku: 'B', qty: 1, price: 4 }], total: 25, at: '2026-03-29T00:30:00Z' };

describe('template helpers', () => {
  it('formatDate: ISO with the zone offset, patterns, styles, across a DST change', () => {
    expect(render('{{formatDate at}}', order)).toBe('2026-03-29T00:30:00.000Z');
    expect(render('{{formatDate at "iso" "Europe/Paris"}}', order)).toBe('2026-03-29T01:30:00.000+01:00');
    expect(render('{{formatDate at "yyyy-MM-dd HH:mm" tz="America/Toronto"}}', order)).toBe('2026-03-28 20:30');
    expect(render('{{formatDate at "long" "UTC" locale="en-GB"}}', order)).toMatch(/29 March 2026/);
    expect(() => render('{{formatDate at "iso" "Mars/Base"}}', order)).toThrow(/time zone/i);
    expect(() => render('{{formatDate "not a date"}}')).toThrow(/not a date/);
  });

  it('money formats amount and currency per locale', () => {
    expect(render('{{money total "EUR" "de-DE"}}', order)).toBe('25,00\u00a0€');
    expect(render('{{money total "USD"}}', order)).toBe('$25.00');
    expect(() => render('{{money "abc" "USD"}}')).toThrow(/not a number/);
  });

  it('comparisons and boolean logic', () => {
    expect(render('{{#if (gt total 20)}}big{{else}}small{{/if}}', order)).toBe('big');
    expect(render('{{#if (and (eq items.length 2) (not (lt total 1)) (or false true))}}yes{{/if}}', order)).toBe('yes');
    expect(render('{{ne 1 2}} {{gte 2 2}} {{lte 3 2}}')).toBe('true true false');
  });

  it('sum and count over order items', () => {
    expect(render('{{sum items "price" "qty"}} {{sum items "qty"}} {{count items}}', order)).toBe('25 3 2');
  });

  it('urlencode, default and json', () => {
    expect(render('{{urlencode "a b&c/d"}}')).toBe('a%20b%26c%2Fd');
    expect(render('{{default missing "fallback"}}', {})).toBe('fallback');
    expect(render('{{json items}}', order)).toBe(JSON.stringify(order.items));
  });

  it('each iterates items with @index/@last', () => {
    expect(render('{{#each items}}{{sku}}{{#unless @last}},{{/unless}}{{/each}}', order)).toBe('A,B');
  });
});
