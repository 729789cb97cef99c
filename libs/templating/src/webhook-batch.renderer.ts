import { createHash } from 'node:crypto';
import type Handlebars from 'handlebars';
import { compileTemplate, type CompiledTemplate } from './template-engine.js';
import { encodeBody, RenderError, type CompilableWebhook } from './webhook-request.renderer.js';

/** The header naming the batch a request carries (the batch id is also its webhook-id). */
export const BATCH_ID_HEADER = 'webhook-batch-id';

/** One delivery inside a batch, as the dispatcher holds it: its ids and the body its webhook's body template rendered. */
export interface BatchItemInput {
  readonly deliveryId: string;
  readonly triggerId: string;
  readonly campaignId: string;
  readonly customerId: string;
  readonly createdAt: number;
  readonly body: string;
  /** The item's A/B test variant id; null (or absent) when its campaign has no variants. */
  readonly variant?: string | null;
}

/**
 * What a batch template sees (docs/templates.md): `batch` (id, size), `webhook` (id, name) and
 * `items`, each with its ids, `variant`, `createdAt` (ISO 8601), `body` (the item as rendered, embedded
 * as is: `{{this.body}}`) and `data` (that body parsed, for templates that pick fields; parsed
 * only when a template reads it).
 */
export interface BatchTemplateContext {
  readonly batch: { readonly id: string; readonly size: number };
  readonly webhook: { readonly id: string; readonly name: string };
  readonly items: readonly object[];
}

type BatchedWebhook = CompilableWebhook & { readonly batch: { readonly template: string } };

/**
 * A batched webhook's batch template compiled once: renders a batch of items into the request
 * body, encoded per the webhook's content type (JSON checked, `data=<json>` for formJsonField).
 * The items were rendered by the renderer; profiles and events never reach the dispatcher.
 */
export class CompiledBatch {
  private readonly template: CompiledTemplate;

  constructor(
    engine: typeof Handlebars,
    readonly webhook: BatchedWebhook,
    mode: 'strict' | 'lenient' = 'strict',
  ) {
    this.template = compileTemplate(engine, webhook.batch.template, 'batch.template', mode);
  }

  render(batchId: string, items: readonly BatchItemInput[]): string {
    const context: BatchTemplateContext = { batch: { id: batchId, size: items.length }, webhook: { id: this.webhook.id, name: this.webhook.name }, items: items.map(itemView) };
    try {
      return encodeBody(this.webhook, this.template(context));
    } catch (error) {
      throw new RenderError('batch.template', error instanceof RenderError ? error.message.replace(/^body: /, '') : (error as Error).message);
    }
  }
}

function itemView(item: BatchItemInput): object {
  const view = {
    deliveryId: item.deliveryId,
    triggerId: item.triggerId,
    campaignId: item.campaignId,
    customerId: item.customerId,
    variant: item.variant ?? null,
    createdAt: new Date(item.createdAt).toISOString(),
    body: item.body,
  };
  let data: unknown;
  // An own getter: Handlebars reads own properties only, and most templates never need the parse.
  return Object.defineProperty(view, 'data', { enumerable: true, get: () => (data ??= parseItem(item.body)) });
}

function parseItem(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return null;
  }
}

/**
 * The batch id (sent as webhook-id and webhook-batch-id): deterministic from the items' delivery
 * ids in order, so the same items always travel under the same id, and a batch that lost an
 * item (acknowledged meanwhile) travels under a new one.
 */
export function batchIdFor(deliveryIds: readonly string[]): string {
  return `bat_${createHash('sha256').update(deliveryIds.join('\u0000')).digest('hex').slice(0, 32)}`;
}
