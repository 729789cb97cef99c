import type Handlebars from 'handlebars';
import { chargeLength, chargeStep, isLenientRender } from './render-budget.js';
import type { TemplateContext } from './template-context.js';
import { clickRedirectPath, openPixelPath, signTrackingToken } from './tracking-token.js';

type Options = Handlebars.HelperOptions & { loc?: { start: { line: number; column: number } } };

const at = (options: Options | undefined) => (options?.loc ? ` at line ${options.loc.start.line}, column ${options.loc.start.column}` : '');

/** Handlebars passes its options object last; positional arguments are the rest. */
function split(args: unknown[]): { values: unknown[]; options: Options } {
  return { values: args.slice(0, -1), options: args.at(-1) as Options };
}

// Handlebars' strict mode does not cover helper arguments, so a missing value (or a blocked
// prototype lookup such as `constructor`) is reported here rather than sent as null.
function present(name: string, value: unknown, options: Options): unknown {
  if (value === undefined && isLenientRender()) return null;
  if (value === undefined) throw new Error(`${name}: the value${at(options)} is missing`);
  return value;
}

// Intl formatters are costly to build (~50 µs) and cheap to reuse; a render may format
// every item of an order. Bounded so odd locale/currency combinations cannot grow it forever.
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => T): T {
  let formatter = formatters.get(key) as T | undefined;
  if (!formatter) {
    if (formatters.size > 500) formatters.clear();
    formatter = make();
    formatters.set(key, formatter);
  }
  return formatter;
}

const DATE_STYLES = new Set(['full', 'long', 'medium', 'short']);
const TOKEN = /yyyy|MM|dd|HH|mm|ss|SSS|[A-Za-z]+|[^A-Za-z]+/g;

/**
 * formatDate(value, format = "iso", timeZone = "UTC"), hash `tz`/`locale` also accepted.
 * format: "iso" (ISO 8601 with the zone's offset), a style ("short", "medium", "long",
 * "full": locale-dependent date + time), or a pattern of yyyy MM dd HH mm ss SSS with any
 * punctuation between (letters other than the tokens must be quoted out: not supported).
 */
export function formatDate(value: unknown, format: string, timeZone: string, locale: string): string {
  const date = typeof value === 'number' ? new Date(value) : new Date(String(value));
  if (Number.isNaN(date.getTime())) throw new Error(`formatDate: "${String(value).slice(0, 50)}" is not a date`);
  if (DATE_STYLES.has(format)) {
    const style = format as 'short';
    return cached(`d|${locale}|${timeZone}|${format}`, () => new Intl.DateTimeFormat(locale, { dateStyle: style, timeStyle: style, timeZone })).format(date);
  }
  const parts = Object.fromEntries(
    cached(`p|${timeZone}`, () => new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', fractionalSecondDigits: 3, timeZoneName: 'longOffset' }))
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  if (format === 'iso') {
    const offset = parts.timeZoneName === 'GMT' || parts.timeZoneName === 'GMT+00:00' ? 'Z' : parts.timeZoneName.replace('GMT', '');
    return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}.${parts.fractionalSecond}${offset}`;
  }
  const tokens: Record<string, string> = { yyyy: parts.year, MM: parts.month, dd: parts.day, HH: parts.hour, mm: parts.minute, ss: parts.second, SSS: parts.fractionalSecond };
  return (format.match(TOKEN) ?? []).map((t) => {
    if (t in tokens) return tokens[t];
    if (/^[A-Za-z]/.test(t)) throw new Error(`formatDate: unknown pattern "${t}" (use yyyy MM dd HH mm ss SSS, iso, short, medium, long or full)`);
    return t;
  }).join('');
}

export function money(amount: unknown, currency: string, locale: string): string {
  const n = Number(amount);
  if (!Number.isFinite(n)) throw new Error(`money: "${String(amount).slice(0, 50)}" is not a number`);
  return cached(`m|${locale}|${currency}`, () => new Intl.NumberFormat(locale, { style: 'currency', currency })).format(n);
}

function numberAt(item: unknown, field: string | undefined): number {
  const value = field === undefined ? item : item !== null && typeof item === 'object' && Object.hasOwn(item, field) ? (item as Record<string, unknown>)[field] : undefined;
  const n = Number(value ?? 0);
  if (!Number.isFinite(n)) throw new Error(`sum: "${String(value).slice(0, 50)}" is not a number`);
  return n;
}

/**
 * How `{{trackClick url}}` and `{{openPixel}}` make links: signed with `key` to the feedback
 * receiver at `baseUrl` (the renderer); an error naming what is missing (a renderer without
 * the settings: the delivery fails with it rather than going out untracked); or, when
 * undefined, preview placeholders (save-time checks and previews, which send nothing).
 */
export type TrackingLinks = { readonly key: string; readonly baseUrl: string } | { readonly unavailable: string };

const PREVIEW_TRACKING = 'https://tracking.invalid';

/** Registers Cuewire's helpers; every call is charged to the render budget. */
export function registerHelpers(hbs: typeof Handlebars, tracking?: TrackingLinks): void {
  const helper = (name: string, fn: (...args: unknown[]) => unknown) =>
    hbs.registerHelper(name, function (this: unknown, ...args: unknown[]) {
      chargeStep();
      return fn.apply(this, args);
    });

  // {{json customer.name}} → "Ada \"A\" L.": any value as JSON, safe inside a JSON body.
  helper('json', (...args) => {
    const { values: [value], options } = split(args);
    const text = JSON.stringify(present('json', value, options));
    chargeLength(text.length);
    return new hbs.SafeString(text);
  });
  // {{#jsonString}}Hi {{customer.firstName}}!{{/jsonString}} → "Hi Ada!": free text with
  // placeholders, as one JSON string (quotes, newlines, </script> all escaped).
  helper('jsonString', function (this: unknown, ...args) {
    const { values, options } = split(args);
    const text = options.fn ? options.fn(this) : String(present('jsonString', values[0], options));
    return new hbs.SafeString(JSON.stringify(text));
  });
  helper('urlencode', (...args) => {
    const { values: [value], options } = split(args);
    return encodeURIComponent(String(present('urlencode', value, options)));
  });
  // {{json (default customer.firstName "there")}}: a fallback for optional fields.
  helper('default', (value, fallback) => (value === undefined || value === null || value === '' ? fallback : value));
  helper('formatDate', (...args) => {
    const { values: [value, format, timeZone], options } = split(args);
    const hash = (options.hash ?? {}) as Record<string, string>;
    return formatDate(present('formatDate', value, options), typeof format === 'string' ? format : 'iso', String(hash.tz ?? timeZone ?? 'UTC'), String(hash.locale ?? 'en-US'));
  });
  helper('money', (...args) => {
    const { values: [amount, currency, locale], options } = split(args);
    const hash = (options.hash ?? {}) as Record<string, string>;
    return money(present('money', amount, options), String(hash.currency ?? currency ?? 'USD'), String(hash.locale ?? locale ?? 'en-US'));
  });
  helper('eq', (a, b) => a === b);
  helper('ne', (a, b) => a !== b);
  helper('gt', (a, b) => (a as number) > (b as number));
  helper('gte', (a, b) => (a as number) >= (b as number));
  helper('lt', (a, b) => (a as number) < (b as number));
  helper('lte', (a, b) => (a as number) <= (b as number));
  helper('and', (...args) => split(args).values.every(Boolean));
  helper('or', (...args) => split(args).values.some(Boolean));
  helper('not', (value) => !value);
  // {{sum event.properties.items "price" "qty"}}: Σ price × qty; {{sum list}} adds numbers.
  helper('sum', (...args) => {
    const { values: [list, field, factor], options } = split(args);
    if (!Array.isArray(present('sum', list, options))) throw new Error(`sum: the value${at(options)} is not a list`);
    return (list as unknown[]).reduce<number>((total, item) => {
      chargeStep();
      return total + numberAt(item, field as string | undefined) * (factor === undefined ? 1 : numberAt(item, factor as string));
    }, 0);
  });
  helper('count', (...args) => {
    const { values: [list], options } = split(args);
    const value = present('count', list, options);
    return Array.isArray(value) ? value.length : value !== null && typeof value === 'object' ? Object.keys(value).length : 0;
  });

  // Loops are where a template can run away: each iteration is a step, and the text a loop
  // builds is checked against the output limit as it grows (nested loops each check theirs).
  // Mustache-style sections over arrays ({{#items}}) go through `each` too.
  const each = hbs.helpers.each as Handlebars.HelperDelegate;
  // {{trackClick event.properties.url}} → the feedback receiver's signed redirect to that URL
  // (records email_click for this delivery, campaign and customer); {{openPixel}} → the URL of
  // its 1×1 open pixel (records email_open).
  helper('trackClick', (...args) => {
    const { values: [url], options } = split(args);
    return trackingLink(tracking, 'click', options, String(present('trackClick', url, options)));
  });
  helper('openPixel', (...args) => trackingLink(tracking, 'open', split(args).options));

  hbs.registerHelper('each', function (this: unknown, context: unknown, options: Options) {
    let produced = 0;
    const fn = options.fn;
    const counted = Object.assign((ctx: unknown, opts?: Handlebars.RuntimeOptions) => {
      chargeStep();
      const out = fn(ctx, opts);
      produced += out.length;
      chargeLength(produced);
      return out;
    }, fn);
    return each.call(this, context, { ...options, fn: counted });
  });
}

function trackingLink(tracking: TrackingLinks | undefined, kind: 'open' | 'click', options: Options, url?: string): string {
  if (!tracking) return kind === 'click' ? `${PREVIEW_TRACKING}${clickRedirectPath('preview')}?url=${encodeURIComponent(url!)}` : `${PREVIEW_TRACKING}${openPixelPath('preview')}`;
  const name = kind === 'click' ? 'trackClick' : 'openPixel';
  if ('unavailable' in tracking) throw new Error(`${name}: ${tracking.unavailable}`);
  const root = (options.data as { root?: Partial<TemplateContext> } | undefined)?.root;
  if (!root?.delivery?.id || !root.customer?.id) throw new Error(`${name}: needs a delivery's context (delivery and customer)`);
  const token = signTrackingToken({ kind, deliveryId: root.delivery.id, customerId: root.customer.id, ...(root.campaign?.id ? { campaignId: root.campaign.id } : {}), ...(url !== undefined ? { url } : {}) }, tracking.key);
  return tracking.baseUrl.replace(/\/+$/, '') + (kind === 'click' ? clickRedirectPath(token) : openPixelPath(token));
}
