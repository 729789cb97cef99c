import { createHash } from 'node:crypto';
import type Handlebars from 'handlebars';
import { compileTemplate, type CompiledTemplate } from './template-engine.js';
import type { WebhookSettings } from './webhook.definition.js';

export interface RenderedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export class RenderError extends Error {
  override readonly name = 'RenderError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

const CONTENT_TYPE_HEADER: Record<WebhookSettings['contentType'], string> = {
  'application/json': 'application/json',
  'application/x-www-form-urlencoded': 'application/x-www-form-urlencoded',
  'text/plain': 'text/plain; charset=utf-8',
};

export type CompilableWebhook = WebhookSettings & { readonly id: string; readonly revision?: number };

/** A webhook's templates compiled once; render many times. Secrets never pass through here. */
export class CompiledWebhook {
  private readonly url: CompiledTemplate;
  private readonly body: CompiledTemplate;
  private readonly headers: [string, CompiledTemplate][];
  private readonly form: [string, CompiledTemplate][];

  /** `lenient` compiles for the save-time sample check (see compileTemplate); deliveries always render strict. */
  constructor(
    engine: typeof Handlebars,
    readonly webhook: CompilableWebhook,
    mode: 'strict' | 'lenient' = 'strict',
  ) {
    this.url = compileTemplate(engine, webhook.url, 'url', mode);
    this.body = compileTemplate(engine, webhook.body, 'body', mode);
    this.headers = Object.entries(webhook.headers).map(([name, source]) => [name, compileTemplate(engine, source, `headers.${name}`, mode)]);
    this.form = Object.entries(webhook.form ?? {}).map(([name, source]) => [name, compileTemplate(engine, source, `form.${name}`, mode)]);
  }

  render(context: object): RenderedRequest {
    const run = (field: string, template: CompiledTemplate) => {
      try {
        return template(context);
      } catch (error) {
        throw new RenderError(field, (error as Error).message);
      }
    };
    const url = run('url', this.url);
    if (!/^https?:\/\//i.test(url) || !URL.canParse(url)) throw new RenderError('url', `rendered URL "${url.slice(0, 200)}" is not a valid http(s) URL`);
    const headers: Record<string, string> = { 'content-type': CONTENT_TYPE_HEADER[this.webhook.contentType] };
    // CR/LF in a header value would start a new header (injection); they become spaces.
    for (const [name, template] of this.headers) headers[name.toLowerCase()] = run(`headers.${name}`, template).replace(/[\r\n]/g, ' ');
    return { method: this.webhook.method, url, headers, body: this.renderBody(run) };
  }

  private renderBody(run: (field: string, template: CompiledTemplate) => string): string {
    const { contentType, formJsonField } = this.webhook;
    if (contentType === 'application/x-www-form-urlencoded' && !formJsonField) {
      // Each field's value is encoded by us, so no value can add or break a field.
      return new URLSearchParams(this.form.map(([name, template]): [string, string] => [name, run(`form.${name}`, template)])).toString();
    }
    const body = run('body', this.body);
    // A batched webhook's body template renders one item; the batch template renders the request.
    if (this.webhook.batch) {
      if (contentType !== 'text/plain') assertJson(body);
      return body;
    }
    return encodeBody(this.webhook, body);
  }
}

/** A rendered body as it is sent, per content type: plain as is, JSON checked, JSON in one form field (`data=<json>`) encoded. */
export function encodeBody(webhook: Pick<WebhookSettings, 'contentType' | 'formJsonField'>, body: string): string {
  const { contentType, formJsonField } = webhook;
  if (contentType === 'text/plain') return body;
  if (body.trim() !== '' || formJsonField) assertJson(body);
  return formJsonField ? new URLSearchParams([[formJsonField, body]]).toString() : body;
}

function assertJson(body: string): void {
  try {
    JSON.parse(body);
  } catch (error) {
    throw new RenderError('body', `rendered body is not valid JSON (${(error as Error).message})`);
  }
}

/**
 * Deterministic delivery id (sent as webhook-id): one per trigger × webhook, stable across
 * replays. A firing of a campaign with variants also hashes its variant id; without one the id
 * is what it always was, so campaigns without variants keep their ids.
 */
export function deliveryIdFor(triggerId: string, webhookId: string, variant?: string | null): string {
  const parts = variant ? `${triggerId}\u0000${webhookId}\u0000${variant}` : `${triggerId}\u0000${webhookId}`;
  return `msg_${createHash('sha256').update(parts).digest('hex').slice(0, 32)}`;
}
