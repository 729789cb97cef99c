import { z } from 'zod';
import { BATCH_MAX_ITEMS, BATCH_MAX_WAIT_MS, type WebhookDefinition } from './webhook.definition.js';

// Literal parameters (addresses, ids) are pasted into templates; refusing `{{` keeps them
// literal. Parameters named *Template are Handlebars templates themselves.
const literal = (max = 500) => z.string().min(1).max(max).refine((s) => !s.includes('{{'), 'may not contain "{{"');
const httpsBase = (fallback: string) => z.url({ protocol: /^https?$/ }).default(fallback).transform((u) => u.replace(/\/+$/, ''));
const tpl = z.string().min(1).max(10_000);

type PresetInput = Omit<WebhookDefinition, 'successCodes' | 'retry' | 'timeoutMs' | 'enabled' | 'method' | 'headers' | 'body' | 'contentType' | 'auth'> &
  Partial<WebhookDefinition>;

interface Preset<S extends z.ZodType> {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly params: S;
  build(params: z.output<S>): PresetInput;
}

const preset = <S extends z.ZodType>(p: Preset<S>) => p;

/** SendGrid v3 Mail Send (POST /v3/mail/send), per SendGrid's documented request body. */
const sendgrid = preset({
  id: 'sendgrid',
  name: 'SendGrid email (v3 mail send)',
  description: 'Sends one email per delivery through SendGrid; the API key travels as a bearer token.',
  params: z
    .object({
      apiKey: z.string().min(1).max(500),
      fromEmail: literal(),
      fromName: literal().optional(),
      toTemplate: tpl.default('{{customer.email}}'),
      toNameTemplate: tpl.default('{{default customer.firstName ""}}'),
      subjectTemplate: tpl.default('Thank you for your order, {{default customer.firstName "there"}}'),
      textTemplate: tpl.default('We received your order of {{money event.properties.total event.properties.currency}}.'),
      /** A SendGrid dynamic template: then customer, event and campaign go in dynamic_template_data. */
      templateId: literal(100).optional(),
      baseUrl: httpsBase('https://api.sendgrid.com'),
    })
    .strict(),
  build: (p) => {
    const from = `{"email": ${JSON.stringify(p.fromEmail)}${p.fromName ? `, "name": ${JSON.stringify(p.fromName)}` : ''}}`;
    const to = `{"email": {{#jsonString}}${p.toTemplate}{{/jsonString}}, "name": {{#jsonString}}${p.toNameTemplate}{{/jsonString}} }`;
    const personalization = p.templateId
      ? `{"to": [${to}], "dynamic_template_data": {"customer": {{json customer}}, "event": {{json event}}, "campaign": {{json campaign}} }}`
      : `{"to": [${to}]}`;
    const content = p.templateId
      ? `"template_id": ${JSON.stringify(p.templateId)}`
      : `"subject": {{#jsonString}}${p.subjectTemplate}{{/jsonString}}, "content": [{"type": "text/plain", "value": {{#jsonString}}${p.textTemplate}{{/jsonString}} }]`;
    return {
      name: 'SendGrid email',
      url: `${p.baseUrl}/v3/mail/send`,
      method: 'POST',
      contentType: 'application/json',
      body: `{"personalizations": [${personalization}], "from": ${from}, ${content}}`,
      auth: { type: 'bearer', token: p.apiKey },
      successCodes: [202],
    };
  },
});

/** Twilio Programmable Messaging: POST /2010-04-01/Accounts/{AccountSid}/Messages.json, form-encoded. */
const twilio = preset({
  id: 'twilio',
  name: 'Twilio SMS (Messages)',
  description: 'Sends one SMS per delivery through Twilio; basic auth with the account SID and auth token.',
  params: z
    .object({
      accountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must be AC followed by 32 hex digits'),
      authToken: z.string().min(1).max(500),
      /** A sender number (E.164) or a Messaging Service SID (MG…). */
      from: literal(100),
      toTemplate: tpl.default('{{customer.phone}}'),
      bodyTemplate: tpl.default('Thanks {{default customer.firstName "there"}}! Your order of {{money event.properties.total event.properties.currency}} is confirmed.'),
      baseUrl: httpsBase('https://api.twilio.com'),
    })
    .strict(),
  build: (p) => ({
    name: 'Twilio SMS',
    url: `${p.baseUrl}/2010-04-01/Accounts/${p.accountSid}/Messages.json`,
    method: 'POST',
    contentType: 'application/x-www-form-urlencoded',
    form: { To: p.toTemplate, [p.from.startsWith('MG') ? 'MessagingServiceSid' : 'From']: p.from, Body: p.bodyTemplate },
    auth: { type: 'basic', username: p.accountSid, password: p.authToken },
    successCodes: [201],
  }),
});

/** Slack incoming webhook: POST {"text": …} to the hook URL (the URL itself is the credential). */
const slack = preset({
  id: 'slack',
  name: 'Slack incoming webhook',
  description: 'Posts a message to a Slack channel through an incoming-webhook URL.',
  params: z
    .object({
      webhookUrl: z.url({ protocol: /^https?$/ }).refine((u) => !u.includes('{{'), 'may not contain "{{"'),
      textTemplate: tpl.default('New order from {{default customer.firstName customer.id}}: {{money event.properties.total event.properties.currency}}'),
    })
    .strict(),
  build: (p) => ({ name: 'Slack message', url: p.webhookUrl, method: 'POST', contentType: 'application/json', body: `{"text": {{#jsonString}}${p.textTemplate}{{/jsonString}} }` }),
});

/** Any JSON receiver: the whole context, signed per Standard Webhooks. */
const genericJson = preset({
  id: 'generic-json',
  name: 'Generic JSON receiver',
  description: 'POSTs customer, triggering event(s) and campaign as JSON, signed per Standard Webhooks.',
  params: z.object({ url: z.url({ protocol: /^https?$/ }).refine((u) => !u.includes('{{'), 'may not contain "{{"'), sign: z.boolean().default(true) }).strict(),
  build: (p) => ({
    name: 'JSON receiver',
    url: p.url,
    method: 'POST',
    contentType: 'application/json',
    body: '{"type": "campaign.triggered", "deliveryId": {{json delivery.id}}, "campaign": {{json campaign}}, "customer": {{json customer}}, "event": {{json event}}, "events": {{json events}}, "firedAt": {{json trigger.firedAt}} }',
    ...(p.sign ? { signing: { type: 'standard-webhooks' as const } } : {}),
  }),
});

/**
 * Netcore Smartech style: activities "shared continuously in batches", one form field
 * `data=<urlencoded JSON>` holding `{"<panel name>": [activity, …]}`, basic auth, HTTP 200 only.
 * Each activity carries its own `delivery_id`, so a receiver that queues what it gets can
 * acknowledge, and dedupe, per activity.
 */
const smartech = preset({
  id: 'smartech',
  name: 'Smartech-style batched activities',
  description: 'Sends activities in batches as data={"<panel>": [ … ]} (form-encoded JSON), with basic auth; each activity keeps its delivery id.',
  params: z
    .object({
      url: z.url({ protocol: /^https?$/ }).refine((u) => !u.includes('{{'), 'may not contain "{{"'),
      panelName: literal(200),
      username: literal().optional(),
      password: z.string().min(1).max(500).optional(),
      /** One activity (JSON): what each item of the panel array holds. */
      itemTemplate: tpl.default(
        '{"webhook_name": {{json webhook.name}}, "delivery_id": {{json delivery.id}}, "journey_name": {{json campaign.name}}, "channel": "custom_activity", "event_params": {"identity": {{json customer.id}}, "guid": {{json trigger.id}}, "ts": {{json trigger.firedAt}} }, "att_params": {{json customer}}, "payload_params": {{json event}} }',
      ),
      maxItems: z.number().int().min(2).max(BATCH_MAX_ITEMS).default(100),
      maxWaitMs: z.number().int().min(10).max(BATCH_MAX_WAIT_MS).default(5_000),
    })
    .strict()
    .refine((p) => !p.username === !p.password, { path: ['password'], message: 'basic auth needs both username and password (or neither)' }),
  build: (p) => ({
    name: 'Smartech activities',
    url: p.url,
    method: 'POST',
    contentType: 'application/x-www-form-urlencoded',
    formJsonField: 'data',
    body: p.itemTemplate,
    batch: { maxItems: p.maxItems, maxWaitMs: p.maxWaitMs, template: `{${JSON.stringify(p.panelName)}: [{{#each items}}{{#unless @first}}, {{/unless}}{{this.body}}{{/each}}] }` },
    ...(p.username && p.password ? { auth: { type: 'basic' as const, username: p.username, password: p.password } } : {}),
    successCodes: [200],
  }),
});

export const webhookPresets = { sendgrid, twilio, slack, 'generic-json': genericJson, smartech } as const;
export type WebhookPresetId = keyof typeof webhookPresets;

export class PresetParamsError extends Error {
  override readonly name = 'PresetParamsError';
  constructor(readonly issues: readonly { path: PropertyKey[]; message: string }[]) {
    super(issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  }
}

/**
 * Expands a preset into an ordinary webhook definition (editable like any other).
 * `overrides` (any webhook field) win over what the preset fills in.
 */
export function expandPreset(id: string, params: unknown, overrides: Record<string, unknown>): Record<string, unknown> {
  const p = (webhookPresets as Record<string, Preset<z.ZodType>>)[id];
  if (!p) throw new PresetParamsError([{ path: ['preset'], message: `unknown preset; known: ${Object.keys(webhookPresets).join(', ')}` }]);
  const parsed = p.params.safeParse(params ?? {});
  if (!parsed.success) throw new PresetParamsError(parsed.error.issues.map((i) => ({ path: ['params', ...i.path], message: i.message })));
  return { ...p.build(parsed.data), ...overrides };
}

/** The presets as GET /v1/webhook-presets lists them: parameters as JSON Schema. */
export function describePresets() {
  return Object.values(webhookPresets).map((p) => ({
    id: p.id,
    name: p.name,
    description: p.description,
    params: z.toJSONSchema(p.params as z.ZodType, { io: 'input', unrepresentable: 'any' }),
  }));
}
