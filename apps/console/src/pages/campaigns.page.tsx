import { useState } from 'preact/hooks';
import { campaignInputOf, campaignsApi, type Campaign, type CampaignStatus } from '../api/console-api';
import { totalsOf } from '../api/delivery-figures';
import { describeTrigger, nextStatuses, STATUS_ACTION } from '../campaigns/campaign-form';
import { href } from '../router';
import { Layout } from '../ui/layout';
import { Problem } from '../ui/problem';
import { useLoad } from '../ui/use-load';

/** Writes a campaign back with a new status, with the ETag it was read with. */
export async function changeStatus(id: string, status: CampaignStatus): Promise<Campaign> {
  const { data, etag } = await campaignsApi.get(id);
  return (await campaignsApi.replace(id, { ...campaignInputOf(data), status }, etag)).data;
}

export function CampaignsPage() {
  const list = useLoad(() => campaignsApi.list(), []);
  const [error, setError] = useState<unknown>();
  const change = async (c: Campaign, status: CampaignStatus) => {
    setError(undefined);
    try {
      await changeStatus(c.id, status);
      list.reload();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <Layout
      section="campaigns"
      title="Campaigns"
      actions={
        <a class="button" href={href('campaigns', 'new')}>
          New campaign
        </a>
      }
    >
      <Problem error={list.error ?? error} />
      {list.loading && !list.data && <p>Loading…</p>}
      {list.data?.length === 0 && <p>No campaigns yet.</p>}
      {list.data && list.data.length > 0 && (
        <table>
          <caption class="visually-hidden">Campaigns with their status, trigger and figures</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Status</th>
              <th scope="col">Trigger</th>
              <th scope="col">Webhooks</th>
              <th scope="col">Last 7 days</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((c) => (
              <tr key={c.id}>
                <td>
                  <a href={href('campaigns', c.id)}>{c.name}</a>
                  <div class="muted mono">{c.id}</div>
                </td>
                <td>
                  <span class={`badge ${c.status}`}>{c.status}</span>
                </td>
                <td>{describeTrigger(c.trigger)}</td>
                <td class="mono">{c.webhookIds.join(', ')}</td>
                <td>
                  <WeekFigures id={c.id} />
                </td>
                <td>
                  <div class="actions">
                    {nextStatuses(c.status).map((s) => (
                      <button key={s} type="button" class="secondary" aria-label={`${STATUS_ACTION[s]}: ${c.name}`} onClick={() => change(c, s)}>
                        {STATUS_ACTION[s]}
                      </button>
                    ))}
                    <a href={href('campaigns', c.id, 'figures')} aria-label={`Figures: ${c.name}`}>
                      Figures
                    </a>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}

const WEEK = 7 * 86_400_000;

/** A campaign's figures over the last 7 days, in one line (the figures page has them over time). */
function WeekFigures({ id }: { id: string }) {
  const figures = useLoad(() => {
    const to = Date.now();
    return campaignsApi.figures(id, { from: to - WEEK, to, bucket: 'day' });
  }, [id]);
  if (figures.error) return <span class="muted">unavailable</span>;
  if (!figures.data) return <span class="muted">…</span>;
  const t = totalsOf(figures.data.buckets);
  return (
    <span class="figures-line">
      {t.sent} sent · {t.delivered} delivered · {t.failed} failed
      {figures.data.source === 'history' ? ` · ${t.opened} opened · ${t.clicked} clicked` : ''}
    </span>
  );
}
