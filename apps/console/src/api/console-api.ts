/**
 * Every call the console makes to the Cuewire REST API, in one place, through the generated
 * typed client `@cuewire/client` (ADR 0015): paths, parameters and bodies are checked by the
 * compiler against the OpenAPI document, and the types of API objects are the document's.
 * Calls are same origin (the control plane serves the console; the single binary or a proxy
 * puts the dispatcher's and history's routes on the same origin). Pages import functions from
 * here, never paths.
 */
import { createCuewireClient, type Answer, type operations, type ProblemDetails, type Schemas } from '@cuewire/client';
import { figuresFromAttempts } from './delivery-figures';
import { apiKey, signOut } from './session';

export type FieldError = NonNullable<ProblemDetails['errors']>[number];

/** A problem-details answer (4xx/5xx), or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly errors: readonly FieldError[] = [],
    readonly detail?: string,
  ) {
    super(detail ? `${title}: ${detail}` : title);
  }
}

/** Same origin: an empty base, so each path is the whole URL. */
const cuewire = createCuewireClient({ baseUrl: '', headers: { accept: 'application/json' } });
// The signed-in key is read at each call (sign-in and sign-out change it); a call that sends its
// own key (checking one before keeping it) keeps that one.
cuewire.use({
  onRequest: ({ request }) => {
    if (!request.headers.has('authorization')) request.headers.set('authorization', `Bearer ${apiKey() ?? ''}`);
    return request;
  },
});

export interface Versioned<T> {
  readonly data: T;
  readonly etag?: string;
}

/** What a call of the typed client resolves to: the parsed answer, or the parsed error body. */
type Sent<T> = Promise<{ data?: T; error?: unknown; response: Response }>;

/**
 * The answer of a call with its ETag; a problem-details answer or a network failure becomes an
 * ApiError. A key that stopped working (401: revoked, expired) ends the session, except while
 * checking one.
 */
export async function answer<T>(sent: Sent<T>, checkingKey = false): Promise<Versioned<T>> {
  let result: Awaited<Sent<T>>;
  try {
    result = await sent;
  } catch (error) {
    throw new ApiError(0, 'The server did not answer', [], (error as Error).message);
  }
  const { data, error, response } = result;
  if (!response.ok) {
    const p = (typeof error === 'object' && error !== null ? error : {}) as Partial<ProblemDetails> & { message?: string };
    if (response.status === 401 && !checkingKey) signOut();
    throw new ApiError(response.status, p.title ?? p.message ?? `${response.status} ${response.statusText}`, Array.isArray(p.errors) ? p.errors : [], p.detail);
  }
  return { data: data as T, etag: response.headers.get('etag') ?? undefined };
}

/** The `If-Match` header of a write, when the object was read with an ETag. */
const ifMatchOf = (ifMatch: string | undefined) => (ifMatch ? { 'if-match': ifMatch } : undefined);

/**
 * The ETag to send with the next write after one: the write's own, or, when the server sends
 * ETags on reads only, the object's current one (never the old one, which would now conflict).
 */
export async function etagAfterWrite<T>(written: Versioned<T>, hadEtag: boolean, read: () => Promise<Versioned<T>>): Promise<string | undefined> {
  if (written.etag || !hadEtag) return written.etag;
  return (await read()).etag;
}

const data = async <T>(p: Promise<Versioned<T>>): Promise<T> => (await p).data;

// ---- webhooks -------------------------------------------------------------------------------

export type Webhook = Schemas['Webhook'];
/** A webhook as PUT takes it (secrets left out keep the stored ones), with the fields the server defaults filled in, as the editor holds it. */
export type WebhookInput = Schemas['WebhookDefinition'] & Required<Pick<Schemas['WebhookDefinition'], 'method' | 'headers' | 'contentType' | 'body' | 'enabled' | 'auth'>>;
export type AuthView = Webhook['auth'];
export type AuthInput = NonNullable<WebhookInput['auth']>;
/** A webhook being edited, as create takes it: a definition, or a preset with its params (and an id). */
export type WebhookDraft = Schemas['WebhookCreate'];
/** What preview and send test render with: a stored customer, and parts of the sample context replaced. */
export type TrialInput = Schemas['WebhookTrial'];
export type Preset = Answer<'webhookPresetsList'>[number];
/** A request as rendered by preview and send test (the delivery history's attempts have no delivery id of their own). */
export type RenderedRequest = Omit<Answer<'webhooksPreview'>['request'], 'deliveryId'> & { deliveryId?: string };
export type TestResult = Answer<'webhooksTest'>;
/** The dispatcher's view of an endpoint: circuit, auto-disable, parked deliveries. */
export type EndpointHealth = Answer<'deliveriesEndpoint'>;

/** The JSON Schema of a preset's parameters, as far as the console's form reads it (a UI type: the document leaves `params` open). */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  default?: unknown;
  description?: string;
  format?: string;
  pattern?: string;
  enum?: unknown[];
}

/**
 * A draft from a preset and the values of the form built from its parameters' JSON Schema. The
 * document types each preset's params exactly; the form only knows them at run time, and the
 * server checks them against the same schema (its errors name the fields).
 */
export function presetDraft(preset: string, params: Record<string, unknown>): WebhookDraft {
  return { preset, params } as WebhookDraft;
}

const DRAFT_PATH = '$.webhook';

export const webhooksApi = {
  list: () => data(answer(cuewire.GET('/v1/webhooks'))),
  get: (id: string) => answer(cuewire.GET('/v1/webhooks/{id}', { params: { path: { id } } })),
  create: (input: WebhookDraft) => data(answer(cuewire.POST('/v1/webhooks', { body: input }))),
  replace: (id: string, input: WebhookInput, ifMatch?: string) => answer(cuewire.PUT('/v1/webhooks/{id}', { params: { path: { id }, header: ifMatchOf(ifMatch) }, body: input })),
  remove: (id: string) => data(answer(cuewire.DELETE('/v1/webhooks/{id}', { params: { path: { id } } }))),
  rotateSecret: (id: string, overlapSeconds: number) => data(answer(cuewire.POST('/v1/webhooks/{id}/secrets/rotate', { params: { path: { id } }, body: { overlapSeconds } }))),
  preview: (id: string, trial: TrialInput) => data(answer(cuewire.POST('/v1/webhooks/{id}/preview', { params: { path: { id } }, body: trial }))),
  /**
   * Preview of a webhook not saved yet (`draft`: what create takes, or PUT with the id of the one
   * being edited). The server names the draft's errors under `$.webhook`; they come back named
   * from `$`, as create and PUT name them, so the editor's fields show them.
   */
  previewDraft: async (draft: WebhookDraft, trial: TrialInput) => {
    try {
      return await data(answer(cuewire.POST('/v1/webhooks/preview', { body: { ...trial, webhook: draft } })));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const errors = error.errors.map((e) => (e.path === DRAFT_PATH || e.path.startsWith(`${DRAFT_PATH}.`) ? { ...e, path: `$${e.path.slice(DRAFT_PATH.length)}` } : e));
      throw new ApiError(error.status, error.title, errors, error.detail);
    }
  },
  test: (id: string, trial: TrialInput) => data(answer(cuewire.POST('/v1/webhooks/{id}/test', { params: { path: { id } }, body: trial }))),
  presets: () => data(answer(cuewire.GET('/v1/webhook-presets'))),
  health: (webhookId: string) => data(answer(cuewire.GET('/v1/endpoints/{webhookId}', { params: { path: { webhookId } } }))),
  /** Re-enables an endpoint the dispatcher disabled; its parked deliveries flow again. */
  enableEndpoint: (webhookId: string) => data(answer(cuewire.POST('/v1/endpoints/{webhookId}/enable', { params: { path: { webhookId } } }))),
};

/** A webhook as read, turned into what PUT accepts: secrets left out keep the stored ones. */
export function webhookInputOf(w: Webhook): WebhookInput {
  const { id: _id, revision: _r, updatedAt: _u, generatedSecret: _g, auth, signing, ...settings } = w;
  const authInput: AuthInput = auth.type === 'basic' ? { type: 'basic', username: auth.username } : auth.type === 'header' ? { type: 'header', name: auth.name } : { type: auth.type };
  return { ...settings, auth: authInput, ...(signing ? { signing: { type: 'standard-webhooks' } } : {}) };
}

// ---- campaigns ------------------------------------------------------------------------------

export type Campaign = Schemas['Campaign'];
/** A campaign as PUT takes it, its status filled in (the editor always holds one). */
export type CampaignInput = Schemas['CampaignDefinition'] & Required<Pick<Schemas['CampaignDefinition'], 'status'>>;
export type CampaignStatus = Campaign['status'];
export type Trigger = CampaignInput['trigger'];
export type Step = Extract<Trigger, { type: 'all-of' }>['events'][number];
export type Condition = NonNullable<Step['where']>[number];
export type CampaignRule = NonNullable<NonNullable<CampaignInput['filters']>['campaigns']>[number];

/** Counts in one bucket of a campaign's figures, from the history service or counted from attempts (a UI type: both sources read into it). */
export interface Bucket {
  at: string | number;
  triggered?: number;
  sent?: number;
  delivered?: number;
  failed?: number;
  opened?: number;
  clicked?: number;
}

/** An A/B test arm's totals over the range ("control": the control group, whose triggered is its size). */
export type VariantFigures = Answer<'campaignFiguresGet'>['variants'][number];

export const campaignsApi = {
  list: () => data(answer(cuewire.GET('/v1/campaigns'))),
  get: (id: string) => answer(cuewire.GET('/v1/campaigns/{id}', { params: { path: { id } } })),
  create: (input: Schemas['CampaignCreate']) => data(answer(cuewire.POST('/v1/campaigns', { body: input }))),
  replace: (id: string, input: CampaignInput, ifMatch?: string) => answer(cuewire.PUT('/v1/campaigns/{id}', { params: { path: { id }, header: ifMatchOf(ifMatch) }, body: input })),
  remove: (id: string) => data(answer(cuewire.DELETE('/v1/campaigns/{id}', { params: { path: { id } } }))),
  trigger: (id: string, body: { customerIds?: string[]; segmentId?: string }) => data(answer(cuewire.POST('/v1/campaigns/{id}/trigger', { params: { path: { id } }, body }))),
  /**
   * Counts over time from the history service; where it is not there (404), counted here from
   * the delivery log (sent, delivered, failed only), and said so by `source`.
   */
  figures: async (campaignId: string, q: { from: number; to: number; bucket: 'hour' | 'day' }): Promise<{ buckets: Bucket[]; variants: VariantFigures[]; source: 'history' | 'delivery-log' }> => {
    try {
      const query = { from: String(q.from), to: String(q.to), bucket: q.bucket };
      const { series, variants } = await data(answer(cuewire.GET('/v1/campaigns/{campaignId}/figures', { params: { path: { campaignId }, query } })));
      return { buckets: series.map(({ start, ...counts }) => ({ at: start, ...counts })), variants, source: 'history' };
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 404) throw error;
      const attempts: DeliveryAttempt[] = [];
      let cursor: string | undefined;
      // Bounded: a few pages of the newest attempts are enough for a picture until history is there.
      for (let page = 0; page < 5; page++) {
        const found = await deliveriesApi.search({ campaignId, from: q.from, to: q.to, cursor, limit: 1000 });
        attempts.push(...found.items);
        cursor = found.nextCursor;
        if (!cursor) break;
      }
      return { buckets: figuresFromAttempts(attempts, q.from, q.to, q.bucket), variants: [], source: 'delivery-log' };
    }
  },
};

/** A campaign as read, turned into what PUT accepts. */
export function campaignInputOf(c: Campaign): CampaignInput {
  const { id: _id, version: _v, updatedAt: _u, ...input } = c;
  return input;
}

// ---- segments -------------------------------------------------------------------------------

export type Segment = Schemas['Segment'];
/** A segment as PUT takes it, with the fields the server defaults filled in, as the editor holds it. */
export type SegmentInput = Schemas['SegmentDefinition'] & Required<Pick<Schemas['SegmentDefinition'], 'match' | 'conditions'>>;

export const segmentsApi = {
  list: () => data(answer(cuewire.GET('/v1/segments'))),
  get: (id: string) => answer(cuewire.GET('/v1/segments/{id}', { params: { path: { id } } })),
  create: (input: Schemas['SegmentCreate']) => data(answer(cuewire.POST('/v1/segments', { body: input }))),
  replace: (id: string, input: SegmentInput, ifMatch?: string) => answer(cuewire.PUT('/v1/segments/{id}', { params: { path: { id }, header: ifMatchOf(ifMatch) }, body: input })),
  remove: (id: string) => data(answer(cuewire.DELETE('/v1/segments/{id}', { params: { path: { id } } }))),
  /** How many customers are in the segment now. */
  size: async (id: string) => (await data(answer(cuewire.GET('/v1/segments/{id}/size', { params: { path: { id } } })))).members,
};

// ---- deliveries (history service; replay on the dispatcher) ---------------------------------

type HistoryAttempt = Answer<'deliveryHistoryDetail'>['attempts'][number];
type ListedAttempt = Answer<'deliveryHistorySearch'>['items'][number];

/** The outcomes the history service searches by (any other is a 400). */
export const OUTCOMES = ['DELIVERED', 'FAILED', 'RETRY_SCHEDULED', 'DEAD', 'SKIPPED_DUPLICATE', 'RENDER_FAILED', 'PARKED'] as const satisfies readonly ListedAttempt['outcome'][];

type HistoryQuery = NonNullable<operations['deliveryHistorySearch']['parameters']['query']>;
/** A search as the pages make it: times are epoch milliseconds; an empty filter is no filter. */
export type DeliveryQuery = Omit<HistoryQuery, 'from' | 'to'> & { from?: number; to?: number };

/** One attempt as the pages read it: its time as `at`, the request (detail only) with its body. */
export type DeliveryAttempt = Omit<ListedAttempt, 'attemptedAt'> & { at: number; request?: RenderedRequest };

export type DeliveryDetail = Omit<Answer<'deliveryHistoryDetail'>, 'attempts'> & { attempts: DeliveryAttempt[] };

/** An attempt as the pages read it, from the history service's answer (the request's body is its first 2 KiB, `bodyExcerpt`). */
export function attemptOf({ attemptedAt, ...answered }: ListedAttempt | HistoryAttempt): DeliveryAttempt {
  // Listed attempts carry no request; a detail's is null when none was sent (render failures).
  const { request, ...a } = { request: null, ...answered };
  if (!request) return { ...a, at: attemptedAt };
  const { bodyExcerpt, ...sent } = request;
  return { ...a, at: attemptedAt, request: { ...sent, body: bodyExcerpt ?? '' } };
}

export const deliveriesApi = {
  search: async (q: DeliveryQuery): Promise<{ items: DeliveryAttempt[]; nextCursor?: string }> => {
    const filled = Object.entries({ ...q, from: q.from?.toString(), to: q.to?.toString() }).filter(([, v]) => v !== undefined && v !== '');
    const d = await data(answer(cuewire.GET('/v1/deliveries', { params: { query: Object.fromEntries(filled) as HistoryQuery } })));
    return { items: d.items.map(attemptOf), nextCursor: d.nextCursor ?? undefined };
  },
  /**
   * One delivery with its attempts. Without the history service's detail route (404 or 405),
   * the attempts are gathered from the search, which carries status and response excerpt only.
   */
  get: async (deliveryId: string, hint: DeliveryQuery = {}): Promise<DeliveryDetail> => {
    try {
      const d = await data(answer(cuewire.GET('/v1/deliveries/{deliveryId}', { params: { path: { deliveryId } } })));
      return { ...d, attempts: d.attempts.map(attemptOf) };
    } catch (error) {
      if (!(error instanceof ApiError) || (error.status !== 404 && error.status !== 405)) throw error;
      const found = await deliveriesApi.search({ ...hint, limit: 1000 });
      const attempts = found.items.filter((a) => a.deliveryId === deliveryId).sort((a, b) => a.attempt - b.attempt);
      if (attempts.length === 0) throw error;
      const { triggerId, webhookId, campaignId, customerId, variant } = attempts[0];
      return { deliveryId, triggerId, webhookId, campaignId, customerId, variant, outcome: attempts[attempts.length - 1].outcome, attempts };
    }
  },
  replay: (deliveryId: string) => data(answer(cuewire.POST('/v1/deliveries/{deliveryId}/replay', { params: { path: { deliveryId } } }))),
  replayFailed: (webhookId: string, since: number) => data(answer(cuewire.POST('/v1/webhooks/{webhookId}/replay-failed', { params: { path: { webhookId } }, body: { since } }))),
};

// ---- sign-in --------------------------------------------------------------------------------

/** Whether a key may use the console (admin scope): an ApiError says why not. */
export async function checkKey(key: string): Promise<void> {
  await answer(cuewire.GET('/v1/webhooks', { headers: { authorization: `Bearer ${key}` } }), true);
}
