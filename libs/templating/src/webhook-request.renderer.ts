import { createHash } from 'node:crypto';
import type Handlebars from 'handlebars';
import { compileTemplate, type CompiledTemplate } from './template-engine.js';
import type { Webhook } from './webhook.definition.js';

export interface RenderedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export class RenderError extends Error {
  override readonly name = 'RenderError';
}

/** A webhook's templates compiled once; render many times. */
export class CompiledWebhook {
  private readonly url: CompiledTemplate;
  private readonly body: CompiledTemplate;
  private readonly headers: [string, CompiledTemplate][];

  constructor(
    engine: typeof Handlebars,
    readonly webhook: Webhook,
  ) {
    this.url = compileTemplate(engine, webhook.url, 'url');
    this.body = compileTemplate(engine, webhook.body, 'body');
    this.headers = Object.entries(webhook.headers).map(([name, source]) => [name, compileTemplate(engine, source, `headers.${name}`)]);
  }

  render(context: object): RenderedRequest {
    const run = (field: string, template: CompiledTemplate) => {
      try {
        return template(context);
      } catch (error) {
        throw new RenderError(`${field}: ${(error as Error).message}`);
      }
    };
    const url = run('url', this.url);
    if (!/^https?:\/\//i.test(url)) throw new RenderError(`url: rendered URL "${url.slice(0, 200)}" is not http(s)`);
    const body = run('body', this.body);
    if (this.webhook.contentType === 'application/json' && body.trim() !== '') {
      try {
        JSON.parse(body);
      } catch (error) {
        throw new RenderError(`body: rendered body is not valid JSON (${(error as Error).message})`);
      }
    }
    const headers: Record<string, string> = { 'content-type': this.webhook.contentType };
    for (const [name, template] of this.headers) headers[name.toLowerCase()] = run(`headers.${name}`, template).replace(/[\r\n]/g, ' ');
    return { method: this.webhook.method, url, headers, body };
  }
}

/** Deterministic delivery id (sent as webhook-id): one per trigger × webhook, stable across replays. */
export function deliveryIdFor(triggerId: string, webhookId: string): string {
  return `msg_${createHash('sha256').update(`${triggerId}\u0000${webhookId}`).digest('hex').slice(0, 32)}`;
}
