import { useState } from 'preact/hooks';
import { campaignsApi, deliveriesApi, OUTCOMES, webhooksApi, type DeliveryAttempt, type DeliveryQuery } from '../api/console-api';
import { fromLocalInput, toLocalInput } from '../campaigns/campaign-form';
import { Select, TextField } from '../ui/fields';
import { Layout } from '../ui/layout';
import { Problem } from '../ui/problem';
import { RequestView, ResponseView } from '../ui/request-view';
import { useLoad } from '../ui/use-load';

const FILTERS = ['campaignId', 'webhookId', 'customerId', 'variant', 'outcome', 'from', 'to'] as const;
type Filters = Record<(typeof FILTERS)[number], string>;

function filtersOf(query: URLSearchParams): Filters {
  return Object.fromEntries(FILTERS.map((k) => [k, query.get(k) ?? ''])) as Filters;
}

function queryOf(f: Filters): DeliveryQuery {
  const ms = (iso: string) => (iso ? Date.parse(iso) : undefined);
  return { campaignId: f.campaignId || undefined, webhookId: f.webhookId || undefined, customerId: f.customerId || undefined, variant: f.variant || undefined, outcome: f.outcome || undefined, from: ms(f.from), to: ms(f.to), limit: 50 };
}

function hashOf(f: Partial<Filters>, deliveryId?: string): string {
  const q = new URLSearchParams(Object.entries(f).filter(([, v]) => v) as [string, string][]);
  return `#/deliveries${deliveryId ? `/${encodeURIComponent(deliveryId)}` : ''}${q.size ? `?${q}` : ''}`;
}

const when = (at: number | string | undefined) => (at === undefined ? '' : new Date(at).toLocaleString());
const tone = (outcome?: string) => (outcome === 'DELIVERED' ? 'ok' : outcome === 'DEAD' || outcome === 'PARKED' || outcome === 'FAILED' || outcome === 'RENDER_FAILED' ? 'bad' : 'warn');

/** Search deliveries, see one's attempts (request sent, response got), replay one, or every failed one of a webhook since a time. */
export function DeliveriesPage({ query, deliveryId }: { query: URLSearchParams; deliveryId?: string }) {
  const applied = filtersOf(query);
  const [form, setForm] = useState<Filters>(applied);
  const [pages, setPages] = useState<string[]>([]);
  // The choices are read again with each search, so webhooks and campaigns made meanwhile show up.
  const refs = useLoad(() => Promise.all([webhooksApi.list(), campaignsApi.list()]), [query.toString()]);
  const results = useLoad(() => deliveriesApi.search({ ...queryOf(applied), cursor: pages[pages.length - 1] }), [query.toString(), pages.join()]);
  const [webhooks = [], campaigns = []] = refs.data ?? [];
  const set = (patch: Partial<Filters>) => setForm({ ...form, ...patch });

  return (
    <Layout section="deliveries" title="Deliveries">
      <form
        class="toolbar panel"
        role="search"
        aria-label="Search deliveries"
        onSubmit={(e) => {
          e.preventDefault();
          setPages([]);
          location.hash = hashOf(form);
        }}
      >
        <Select label="Campaign" name="campaignId" value={form.campaignId} options={[['', 'any'] as const, ...campaigns.map((c) => [c.id, c.name] as const)]} onChange={(campaignId) => set({ campaignId })} />
        <Select label="Webhook" name="webhookId" value={form.webhookId} options={[['', 'any'] as const, ...webhooks.map((w) => [w.id, w.name] as const)]} onChange={(webhookId) => set({ webhookId })} />
        <TextField label="Customer id" name="customerId" value={form.customerId} onInput={(customerId) => set({ customerId })} />
        <TextField label="Variant" name="variant" value={form.variant} onInput={(variant) => set({ variant })} />
        <Select label="Outcome" name="outcome" value={form.outcome} options={['', ...OUTCOMES]} onChange={(outcome) => set({ outcome })} />
        <TextField label="From" type="datetime-local" name="from" value={toLocalInput(form.from)} onInput={(v) => set({ from: fromLocalInput(v) ?? '' })} />
        <TextField label="To" type="datetime-local" name="to" value={toLocalInput(form.to)} onInput={(v) => set({ to: fromLocalInput(v) ?? '' })} />
        <button type="submit">Search</button>
      </form>
      <Problem error={results.error ?? refs.error} />
      {deliveryId && <DeliveryDetail key={deliveryId} deliveryId={deliveryId} hint={queryOf(applied)} onClose={() => (location.hash = hashOf(applied))} />}
      <div aria-live="polite">
        {results.loading && <p>Loading…</p>}
        {results.data?.items.length === 0 && <p>No deliveries match.</p>}
      </div>
      {results.data && results.data.items.length > 0 && (
        <table>
          <caption class="visually-hidden">Delivery attempts, newest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Delivery</th>
              <th scope="col">Webhook</th>
              <th scope="col">Campaign</th>
              <th scope="col">Customer</th>
              <th scope="col">Variant</th>
              <th scope="col">Attempt</th>
              <th scope="col">Outcome</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {results.data.items.map((a: DeliveryAttempt, i) => (
              <tr key={`${a.deliveryId}-${a.attempt}-${i}`} class={a.deliveryId === deliveryId ? 'selected' : undefined}>
                <td>{when(a.at)}</td>
                <td class="mono">
                  <a href={hashOf({ ...applied, webhookId: applied.webhookId || a.webhookId || '', customerId: applied.customerId || a.customerId || '' }, a.deliveryId)} aria-label={`Delivery ${a.deliveryId}, attempt ${a.attempt ?? ''}`}>
                    {a.deliveryId}
                  </a>
                </td>
                <td class="mono">{a.webhookId}</td>
                <td class="mono">{a.campaignId}</td>
                <td class="mono">{a.customerId}</td>
                <td class="mono">{a.variant ?? ''}</td>
                <td>{a.attempt}</td>
                <td>
                  <span class={`badge ${tone(a.outcome)}`}>{a.outcome}</span>
                </td>
                <td>{a.statusCode ?? a.error ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div class="actions">
        {pages.length > 0 && (
          <button type="button" class="secondary" onClick={() => setPages(pages.slice(0, -1))}>
            Previous page
          </button>
        )}
        {results.data?.nextCursor && (
          <button type="button" class="secondary" onClick={() => setPages([...pages, results.data!.nextCursor!])}>
            Next page
          </button>
        )}
      </div>
      <ReplayFailed key={applied.webhookId} webhooks={webhooks.map((w) => [w.id, w.name] as const)} initialWebhook={applied.webhookId} onDone={results.reload} />
    </Layout>
  );
}

function DeliveryDetail({ deliveryId, hint, onClose }: { deliveryId: string; hint: DeliveryQuery; onClose: () => void }) {
  const detail = useLoad(() => deliveriesApi.get(deliveryId, { webhookId: hint.webhookId, customerId: hint.customerId }), [deliveryId]);
  const [replayed, setReplayed] = useState<string>();
  const [error, setError] = useState<unknown>();
  const replay = async () => {
    setError(undefined);
    try {
      await deliveriesApi.replay(deliveryId);
      setReplayed('Replay queued: a fresh first attempt, same webhook-id.');
    } catch (e) {
      setError(e);
    }
  };
  const last = detail.data?.attempts[detail.data.attempts.length - 1];
  return (
    <section class="panel stack" aria-labelledby="delivery-heading">
      <div class="page-head">
        <h2 id="delivery-heading">
          Delivery <span class="mono">{deliveryId}</span>
        </h2>
        <div class="actions">
          {last?.outcome === 'DEAD' && (
            <button type="button" onClick={replay}>
              Replay delivery
            </button>
          )}
          <button type="button" class="secondary" onClick={onClose}>
            Close
          </button>
        </div>
      </div>
      <div aria-live="polite">{replayed && <p class="notice">{replayed}</p>}</div>
      <Problem error={detail.error ?? error} />
      {detail.data && (
        <p class="muted">
          Webhook <span class="mono">{detail.data.webhookId}</span> · campaign <span class="mono">{detail.data.campaignId}</span> · customer <span class="mono">{detail.data.customerId}</span>
          {detail.data.variant && (
            <>
              {' '}
              · variant <span class="mono">{detail.data.variant}</span>
            </>
          )}
        </p>
      )}
      {detail.data?.attempts.map((a, i) => (
        <article key={i} class="attempt" aria-label={`Attempt ${a.attempt ?? i + 1}`}>
          <h3>
            Attempt {a.attempt ?? i + 1} · {when(a.at)} · <span class={`badge ${tone(a.outcome)}`}>{a.outcome}</span>
            {a.latencyMs !== undefined && <span class="muted"> · {Math.round(a.latencyMs)} ms</span>}
          </h3>
          {a.error && <p class="field-error">{a.error}</p>}
          {a.request && <p class="muted">Auth and signature headers are added as the request leaves and are not kept; the body is kept up to 2 KiB.</p>}
          <div class="grid-2">
            {a.request ? <RequestView request={a.request} label={`Request sent (attempt ${a.attempt ?? i + 1})`} /> : <p class="muted">No request was sent.</p>}
            {a.statusCode || a.responseExcerpt ? <ResponseView response={{ status: a.statusCode ?? undefined, bodyExcerpt: a.responseExcerpt ?? '' }} /> : <p class="muted">No response.</p>}
          </div>
        </article>
      ))}
    </section>
  );
}

function ReplayFailed({ webhooks, initialWebhook, onDone }: { webhooks: readonly (readonly [string, string])[]; initialWebhook: string; onDone: () => void }) {
  const [webhookId, setWebhookId] = useState(initialWebhook);
  const [since, setSince] = useState(() => toLocalInput(new Date(Date.now() - 86_400_000).toISOString()));
  const [result, setResult] = useState<string>();
  const [error, setError] = useState<unknown>();
  const replay = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    setResult(undefined);
    try {
      const { replayed } = await deliveriesApi.replayFailed(webhookId, Date.parse(fromLocalInput(since) ?? ''));
      setResult(`${replayed} failed deliver${replayed === 1 ? 'y' : 'ies'} sent again.`);
      onDone();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form class="panel toolbar" onSubmit={replay} aria-labelledby="replay-heading">
      <h2 id="replay-heading">Replay failed deliveries</h2>
      <Select label="Webhook to replay" name="replayWebhook" value={webhookId} options={[['', '(choose)'] as const, ...webhooks]} onChange={setWebhookId} />
      <TextField label="Failed since" type="datetime-local" name="since" value={since} onInput={setSince} />
      <button type="submit" disabled={!webhookId}>
        Replay every failed one
      </button>
      <div aria-live="polite">{result && <p class="notice">{result}</p>}</div>
      <Problem error={error} />
    </form>
  );
}
