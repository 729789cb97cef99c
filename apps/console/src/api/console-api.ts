/**
 * Every call the console makes to the Cuewire REST API, in one place, with plain fetch
 * (same origin: the control plane serves the console; the single binary or a proxy puts the
 * dispatcher's and history's routes on the same origin). Names of paths and query parameters
 * live here only, so a renamed route is a one-line change. Answers are read tolerantly: a
 * field the server does not send yet is simply absent.
 */
import { figuresFromAttempts } from './delivery-figures';
import { apiKey, signOut } from './session';

export interface FieldError {
  readonly path: string;
  readonly message: string;
}

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

interface Call {
  readonly body?: unknown;
  readonly query?: Record<string, string | number | undefined>;
  /** The ETag the object was read with: the server refuses the write if it changed since. */
  readonly ifMatch?: string;
  /** Send this key instead of the signed-in one (sign-in checks a key before keeping it). */
  readonly key?: string;
}

export interface Versioned<T> {
  readonly data: T;
  readonly etag?: string;
}

async function call<T>(method: string, path: string, options: Call = {}): Promise<Versioned<T>> {
  const query = Object.entries(options.query ?? {}).filter((e): e is [string, string | number] => e[1] !== undefined && e[1] !== '');
  const url = `${path}${query.length ? `?${new URLSearchParams(query.map(([k, v]) => [k, String(v)]))}` : ''}`;
  const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${options.key ?? apiKey() ?? ''}` };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.ifMatch) headers['if-match'] = options.ifMatch;
  let res: Response;
  try {
    res = await fetch(url, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  } catch (error) {
    throw new ApiError(0, 'The server did not answer', [], (error as Error).message);
  }
  const text = await res.text();
  const parsed: unknown = text ? safeJson(text) : undefined;
  if (!res.ok) {
    const p = (parsed ?? {}) as { title?: string; detail?: string; message?: string; errors?: FieldError[] };
    // A key that stopped working (revoked, expired) ends the session, except while checking one.
    if (res.status === 401 && !options.key) signOut();
    throw new ApiError(res.status, p.title ?? p.message ?? `${res.status} ${res.statusText}`, Array.isArray(p.errors) ? p.errors : [], p.detail);
  }
  return { data: parsed as T, etag: res.headers.get('etag') ?? undefined };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * The ETag to send with the next write after one: the write's own, or, when the server sends
 * ETags on reads only, the object's current one (never the old one, which would now conflict).
 */
export async function etagAfterWrite<T>(written: Versioned<T>, hadEtag: boolean, read: () => Promise<Versioned<T>>): Promise<string | undefined> {
  if (written.etag || !hadEtag) return written.etag;
  return (await read()).etag;
}

const enc = encodeURIComponent;
const data = async <T>(p: Promise<Versioned<T>>): Promise<T> => (await p).data;
/** List endpoints answer an array, or `{items}` (paged). */
const items = async <T>(p: Promise<Versioned<T[] | { items: T[] }>>): Promise<T[]> => {
  const d = (await p).data;
  return Array.isArray(d) ? d : (d?.items ?? []);
};

// ---- webhooks -------------------------------------------------------------------------------

export type AuthView = { type: 'none' } | { type: 'basic'; username: string } | { type: 'bearer' } | { type: 'header'; name: string };
export type AuthInput = { type: 'none' } | { type: 'basic'; username: string; password?: string } | { type: 'bearer'; token?: string } | { type: 'header'; name: string; value?: string };

export interface WebhookSettings {
  name: string;
  url: string;
  method: 'POST' | 'PUT' | 'PATCH' | 'GET' | 'DELETE';
  headers: Record<string, string>;
  contentType: 'application/json' | 'application/x-www-form-urlencoded' | 'text/plain';
  body: string;
  form?: Record<string, string>;
  formJsonField?: string;
  timeoutMs?: number;
  successCodes?: (number | string)[];
  retry?: { schedule: string[] };
  rateLimit?: { perSecond: number; burst?: number };
  enabled: boolean;
}

export interface Webhook extends WebhookSettings {
  id: string;
  revision?: number;
  updatedAt?: string;
  auth: AuthView;
  signing?: { type: 'standard-webhooks'; activeSecrets?: number; secrets?: { id: string; createdAt: string; expiresAt: string | null }[] };
  generatedSecret?: string;
}

export interface WebhookInput extends WebhookSettings {
  auth: AuthInput;
  signing?: { type: 'standard-webhooks'; secrets?: string[] };
}

export interface Preset {
  id: string;
  name: string;
  description?: string;
  /** JSON Schema of the preset's parameters. */
  params?: JsonSchema;
}

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

export interface RenderedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  deliveryId?: string;
}

export interface TestResult {
  ok: boolean;
  request: RenderedRequest;
  response: { status: number; headers?: Record<string, string | string[]>; bodyExcerpt?: string; latencyMs?: number } | null;
  error?: string;
}

/** A webhook being edited, as create takes it: a definition, or a preset with its params (and an id). */
export type WebhookDraft = (Partial<WebhookInput> | { preset: string; params: Record<string, unknown> }) & { id?: string };

const DRAFT_PATH = '$.webhook';

/** What preview and send test render with: a stored customer, and parts of the sample context replaced. */
export interface TrialInput {
  customerId?: string;
  context?: Record<string, unknown>;
}

export interface EndpointHealth {
  consecutiveFailures?: number;
  openUntil?: number;
  disabled?: boolean;
  reason?: string;
  parked?: number;
}

export const webhooksApi = {
  list: () => items<Webhook>(call('GET', '/v1/webhooks')),
  get: (id: string) => call<Webhook>('GET', `/v1/webhooks/${enc(id)}`),
  create: (input: WebhookDraft) => data(call<Webhook>('POST', '/v1/webhooks', { body: input })),
  replace: (id: string, input: WebhookInput, ifMatch?: string) => call<Webhook>('PUT', `/v1/webhooks/${enc(id)}`, { body: input, ifMatch }),
  remove: (id: string) => data(call<void>('DELETE', `/v1/webhooks/${enc(id)}`)),
  rotateSecret: (id: string, overlapSeconds: number) => data(call<{ id: string; secret: string; overlapSeconds: number }>('POST', `/v1/webhooks/${enc(id)}/secrets/rotate`, { body: { overlapSeconds } })),
  preview: (id: string, trial: TrialInput) => data(call<{ request: RenderedRequest }>('POST', `/v1/webhooks/${enc(id)}/preview`, { body: trial })),
  /**
   * Preview of a webhook not saved yet (`draft`: what create takes, or PUT with the id of the one
   * being edited). The server names the draft's errors under `$.webhook`; they come back named
   * from `$`, as create and PUT name them, so the editor's fields show them.
   */
  previewDraft: async (draft: WebhookDraft, trial: TrialInput) => {
    try {
      return await data(call<{ request: RenderedRequest }>('POST', '/v1/webhooks/preview', { body: { ...trial, webhook: draft } }));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const errors = error.errors.map((e) => (e.path === DRAFT_PATH || e.path.startsWith(`${DRAFT_PATH}.`) ? { ...e, path: `$${e.path.slice(DRAFT_PATH.length)}` } : e));
      throw new ApiError(error.status, error.title, errors, error.detail);
    }
  },
  test: (id: string, trial: TrialInput) => data(call<TestResult>('POST', `/v1/webhooks/${enc(id)}/test`, { body: trial })),
  presets: () => items<Preset>(call('GET', '/v1/webhook-presets')),
  /** The dispatcher's view of the endpoint: circuit, auto-disable, parked deliveries. */
  health: (id: string) => data(call<EndpointHealth>('GET', `/v1/endpoints/${enc(id)}`)),
  /** Re-enables an endpoint the dispatcher disabled; its parked deliveries flow again. */
  enableEndpoint: (id: string) => data(call<{ requeued: number }>('POST', `/v1/endpoints/${enc(id)}/enable`)),
};

/** A webhook as read, turned into what PUT accepts: secrets left out keep the stored ones. */
export function webhookInputOf(w: Webhook): WebhookInput {
  const { id: _id, revision: _r, updatedAt: _u, generatedSecret: _g, auth, signing, ...settings } = w;
  const authInput: AuthInput = auth.type === 'basic' ? { type: 'basic', username: auth.username } : auth.type === 'header' ? { type: 'header', name: auth.name } : { type: auth.type };
  return { ...settings, headers: settings.headers ?? {}, auth: authInput, ...(signing ? { signing: { type: 'standard-webhooks' } } : {}) };
}

// ---- campaigns ------------------------------------------------------------------------------

export type CampaignStatus = 'draft' | 'live' | 'paused' | 'ended';

export interface Condition {
  field: string;
  op: string;
  value?: unknown;
  match?: 'any' | 'all';
}

export interface Step {
  eventType: string;
  where?: Condition[];
}

export type Trigger =
  | { type: 'event'; eventType: string; where?: Condition[] }
  | { type: 'all-of'; events: Step[]; within: string }
  | { type: 'not-followed-by'; first: Step; then: Step; within: string }
  | { type: 'schedule'; at?: string; cron?: string; timeZone?: string }
  | { type: 'on-demand' };

export interface CampaignRule {
  rule: 'received' | 'not_received' | 'clicked' | 'not_clicked';
  campaignId: string;
  within?: string;
}

export interface CampaignInput {
  name: string;
  status: CampaignStatus;
  window?: { start?: string; end?: string; timeZone?: string };
  audience?: { segmentId: string };
  trigger: Trigger;
  filters?: { profile?: Condition[]; segments?: { in?: string[]; notIn?: string[] }; campaigns?: CampaignRule[] };
  caps?: { perCustomer?: { max: number; period: string }; oncePerCustomer?: boolean };
  webhookIds: string[];
}

export interface Campaign extends CampaignInput {
  id: string;
  revision?: number;
  version?: number;
  updatedAt?: string;
}

export interface Bucket {
  at: string | number;
  triggered?: number;
  sent?: number;
  delivered?: number;
  failed?: number;
  opened?: number;
  clicked?: number;
}

export const campaignsApi = {
  list: () => items<Campaign>(call('GET', '/v1/campaigns')),
  get: (id: string) => call<Campaign>('GET', `/v1/campaigns/${enc(id)}`),
  create: (input: CampaignInput & { id?: string }) => data(call<Campaign>('POST', '/v1/campaigns', { body: input })),
  replace: (id: string, input: CampaignInput, ifMatch?: string) => call<Campaign>('PUT', `/v1/campaigns/${enc(id)}`, { body: input, ifMatch }),
  remove: (id: string) => data(call<void>('DELETE', `/v1/campaigns/${enc(id)}`)),
  trigger: (id: string, body: { customerIds?: string[]; segmentId?: string }) => data(call<unknown>('POST', `/v1/campaigns/${enc(id)}/trigger`, { body })),
  /**
   * Counts over time from the history service; where it is not there (404), counted here from
   * the delivery log (sent, delivered, failed only), and said so by `source`.
   */
  figures: async (id: string, q: { from: number; to: number; bucket: 'hour' | 'day' }): Promise<{ buckets: Bucket[]; source: 'history' | 'delivery-log' }> => {
    try {
      // The history service answers { totals, series: [{ start, triggered, sent, … }], webhooks }.
      const d = await data(call<Bucket[] | { buckets?: Bucket[]; items?: Bucket[]; series?: (Omit<Bucket, 'at'> & { start: number })[] }>('GET', `/v1/campaigns/${enc(id)}/figures`, { query: { from: q.from, to: q.to, bucket: q.bucket } }));
      const series = !Array.isArray(d) && d?.series ? d.series.map(({ start, ...counts }) => ({ at: start, ...counts })) : undefined;
      return { buckets: Array.isArray(d) ? d : (series ?? d?.buckets ?? d?.items ?? []), source: 'history' };
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 404) throw error;
      const attempts: DeliveryAttempt[] = [];
      let cursor: string | undefined;
      // Bounded: a few pages of the newest attempts are enough for a picture until history is there.
      for (let page = 0; page < 5; page++) {
        const found = await deliveriesApi.search({ campaignId: id, from: q.from, to: q.to, cursor, limit: 1000 });
        attempts.push(...found.items);
        cursor = found.nextCursor;
        if (!cursor) break;
      }
      return { buckets: figuresFromAttempts(attempts, q.from, q.to, q.bucket), source: 'delivery-log' };
    }
  },
};

/** A campaign as read, turned into what PUT accepts. */
export function campaignInputOf(c: Campaign): CampaignInput {
  const { id: _id, revision: _r, version: _v, updatedAt: _u, ...input } = c;
  return input;
}

// ---- segments -------------------------------------------------------------------------------

export interface SegmentInput {
  name: string;
  match: 'all' | 'any';
  conditions: Condition[];
}

export interface Segment extends SegmentInput {
  id: string;
  revision?: number;
}

export const segmentsApi = {
  list: () => items<Segment>(call('GET', '/v1/segments')),
  get: (id: string) => call<Segment>('GET', `/v1/segments/${enc(id)}`),
  create: (input: SegmentInput & { id?: string }) => data(call<Segment>('POST', '/v1/segments', { body: input })),
  replace: (id: string, input: SegmentInput, ifMatch?: string) => call<Segment>('PUT', `/v1/segments/${enc(id)}`, { body: input, ifMatch }),
  remove: (id: string) => data(call<void>('DELETE', `/v1/segments/${enc(id)}`)),
  size: async (id: string): Promise<number | undefined> => {
    const d = await data(call<{ members?: number; size?: number } | number>('GET', `/v1/segments/${enc(id)}/size`));
    return typeof d === 'number' ? d : (d?.members ?? d?.size);
  },
};

// ---- deliveries (history service; replay on the dispatcher) ---------------------------------

/** The outcomes the history service searches by (its OUTCOMES in delivery-history.schemas.ts; any other is a 400). */
export const OUTCOMES = ['DELIVERED', 'FAILED', 'RETRY_SCHEDULED', 'DEAD', 'SKIPPED_DUPLICATE', 'RENDER_FAILED', 'PARKED'] as const;

/** Times in query parameters (`from`, `to`) are epoch milliseconds, as the dispatcher's log takes them today. */
export interface DeliveryQuery {
  campaignId?: string;
  webhookId?: string;
  customerId?: string;
  outcome?: string;
  /** Epoch ms. */
  from?: number;
  to?: number;
  cursor?: string;
  limit?: number;
}

/** One attempt as listed. */
export interface DeliveryAttempt {
  deliveryId: string;
  webhookId?: string;
  campaignId?: string;
  customerId?: string;
  attempt?: number;
  outcome?: string;
  at?: number | string;
  statusCode?: number | null;
  latencyMs?: number;
  error?: string | null;
  responseExcerpt?: string | null;
  request?: RenderedRequest;
  response?: { status?: number; headers?: Record<string, string | string[]>; bodyExcerpt?: string };
}

export interface DeliveryDetail {
  deliveryId: string;
  webhookId?: string;
  campaignId?: string;
  customerId?: string;
  attempts: DeliveryAttempt[];
}

/** An attempt as the history service answers it: its time is `attemptedAt`, the request's body `bodyExcerpt` (the first 2 KiB). */
type AnsweredAttempt = Omit<DeliveryAttempt, 'request'> & { attemptedAt?: number; request?: (Omit<RenderedRequest, 'body'> & { body?: string; bodyExcerpt?: string | null }) | null };

/** An attempt as the pages read it, from the history service's answer (or the dispatcher's older log, which already has `at`). */
export function attemptOf({ attemptedAt, request, ...a }: AnsweredAttempt): DeliveryAttempt {
  const { bodyExcerpt, body, ...sent } = request ?? {};
  return { ...a, at: a.at ?? attemptedAt, ...(request ? { request: { ...(sent as Omit<RenderedRequest, 'body'>), body: body ?? bodyExcerpt ?? '' } } : {}) };
}

export const deliveriesApi = {
  search: async (q: DeliveryQuery): Promise<{ items: DeliveryAttempt[]; nextCursor?: string }> => {
    const d = await data(call<{ items?: AnsweredAttempt[]; nextCursor?: string | number | null } | AnsweredAttempt[]>('GET', '/v1/deliveries', { query: { ...q } }));
    if (Array.isArray(d)) return { items: d.map(attemptOf) };
    return { items: (d?.items ?? []).map(attemptOf), nextCursor: d?.nextCursor === null || d?.nextCursor === undefined ? undefined : String(d.nextCursor) };
  },
  /**
   * One delivery with its attempts. Without the history service's detail route (404 or 405),
   * the attempts are gathered from the search, which carries status and response excerpt only.
   */
  get: async (deliveryId: string, hint: DeliveryQuery = {}): Promise<DeliveryDetail> => {
    try {
      const d = await data(call<Omit<DeliveryDetail, 'attempts'> & { attempts?: AnsweredAttempt[] }>('GET', `/v1/deliveries/${enc(deliveryId)}`));
      return { ...d, attempts: (d.attempts ?? []).map(attemptOf) };
    } catch (error) {
      if (!(error instanceof ApiError) || (error.status !== 404 && error.status !== 405)) throw error;
      const found = await deliveriesApi.search({ ...hint, limit: 1000 });
      const attempts = found.items.filter((a) => a.deliveryId === deliveryId).sort((a, b) => (a.attempt ?? 0) - (b.attempt ?? 0));
      if (attempts.length === 0) throw error;
      return { deliveryId, webhookId: attempts[0].webhookId, campaignId: attempts[0].campaignId, customerId: attempts[0].customerId, attempts };
    }
  },
  replay: (deliveryId: string) => data(call<{ replayed: number }>('POST', `/v1/deliveries/${enc(deliveryId)}/replay`)),
  replayFailed: (webhookId: string, since: number) => data(call<{ replayed: number }>('POST', `/v1/webhooks/${enc(webhookId)}/replay-failed`, { body: { since } })),
};

// ---- sign-in --------------------------------------------------------------------------------

/** Whether a key may use the console (admin scope): an ApiError says why not. */
export async function checkKey(key: string): Promise<void> {
  await call('GET', '/v1/webhooks', { key });
}
