import { useState } from 'preact/hooks';
import { webhooksApi, webhookInputOf, type EndpointHealth, type Webhook } from '../api/console-api';
import { href } from '../router';
import { Layout } from '../ui/layout';
import { Problem } from '../ui/problem';
import { useLoad } from '../ui/use-load';

/** What the dispatcher says of an endpoint, in words. */
export function healthText(h: EndpointHealth | undefined): { text: string; tone: 'ok' | 'warn' | 'bad' | 'unknown' } {
  if (!h) return { text: 'unknown', tone: 'unknown' };
  if (h.disabled) return { text: `disabled by the dispatcher${h.reason ? `: ${h.reason}` : ''}${h.parked ? ` (${h.parked} parked)` : ''}`, tone: 'bad' };
  if ((h.openUntil ?? 0) > Date.now()) return { text: `failing, paused until ${new Date(h.openUntil!).toLocaleTimeString()}`, tone: 'bad' };
  if ((h.consecutiveFailures ?? 0) > 0) return { text: `${h.consecutiveFailures} failure(s) in a row`, tone: 'warn' };
  return { text: 'healthy', tone: 'ok' };
}

export function WebhooksPage() {
  const list = useLoad(async () => {
    const webhooks = await webhooksApi.list();
    // Health comes from the dispatcher; without it the list still shows.
    const health = await Promise.all(webhooks.map((w) => webhooksApi.health(w.id).catch(() => undefined)));
    return webhooks.map((w, i) => ({ webhook: w, health: health[i] }));
  }, []);
  const [error, setError] = useState<unknown>();

  const toggle = async (w: Webhook) => {
    setError(undefined);
    try {
      const { etag } = await webhooksApi.get(w.id);
      await webhooksApi.replace(w.id, { ...webhookInputOf(w), enabled: !w.enabled }, etag);
      list.reload();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <Layout
      section="webhooks"
      title="Webhooks"
      actions={
        <a class="button" href={href('webhooks', 'new')}>
          New webhook
        </a>
      }
    >
      <Problem error={list.error ?? error} />
      {list.loading && !list.data && <p aria-live="polite">Loading…</p>}
      {list.data && list.data.length === 0 && <p>No webhooks yet. Create one from a provider preset (SendGrid, Twilio, Slack) or from scratch.</p>}
      {list.data && list.data.length > 0 && (
        <table>
          <caption class="visually-hidden">Webhooks, with their state and endpoint health</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Request</th>
              <th scope="col">State</th>
              <th scope="col">Endpoint health</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.data.map(({ webhook: w, health }) => {
              const h = healthText(health);
              return (
                <tr key={w.id}>
                  <td>
                    <a href={href('webhooks', w.id)}>{w.name}</a>
                    <div class="muted mono">{w.id}</div>
                  </td>
                  <td class="mono wrap">
                    {w.method} {w.url}
                  </td>
                  <td>
                    <span class={`badge ${w.enabled ? 'ok' : 'off'}`}>{w.enabled ? 'enabled' : 'disabled'}</span>
                  </td>
                  <td>
                    <span class={`badge ${h.tone}`}>{h.text}</span>
                  </td>
                  <td>
                    <button type="button" class="secondary" onClick={() => toggle(w)} aria-label={`${w.enabled ? 'Disable' : 'Enable'} ${w.name}`}>
                      {w.enabled ? 'Disable' : 'Enable'}
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </Layout>
  );
}
