import { useState } from 'preact/hooks';
import { campaignsApi, type Bucket, type VariantFigures } from '../api/console-api';
import { LineChart, type Series } from '../charts/line-chart';
import { href } from '../router';
import { Select } from '../ui/fields';
import { Layout } from '../ui/layout';
import { Problem } from '../ui/problem';
import { useLoad } from '../ui/use-load';

const MEASURES: readonly { key: keyof Omit<Bucket, 'at'>; name: string; color: string; dash?: string }[] = [
  { key: 'triggered', name: 'Triggered', color: '#6e40c9', dash: '2 3' },
  { key: 'sent', name: 'Sent', color: '#0b5cad' },
  { key: 'delivered', name: 'Delivered', color: '#116329', dash: '8 3' },
  { key: 'failed', name: 'Failed', color: '#a40e26', dash: '4 2' },
  { key: 'opened', name: 'Opened', color: '#9a6700', dash: '1 2' },
  { key: 'clicked', name: 'Clicked', color: '#bf4b00', dash: '6 2 1 2' },
];

const RANGES = [
  ['24h', 'Last 24 hours (by hour)'],
  ['7d', 'Last 7 days (by day)'],
  ['30d', 'Last 30 days (by day)'],
] as const;

function rangeOf(range: (typeof RANGES)[number][0]): { from: number; to: number; bucket: 'hour' | 'day' } {
  const to = Date.now();
  if (range === '24h') return { from: to - 24 * 3_600_000, to, bucket: 'hour' };
  return { from: to - (range === '7d' ? 7 : 30) * 86_400_000, to, bucket: 'day' };
}

/** A campaign's figures over time: a chart of the measures the API gives, and the same numbers as a table. */
export function CampaignFiguresPage({ id }: { id: string }) {
  const [range, setRange] = useState<(typeof RANGES)[number][0]>('24h');
  const campaign = useLoad(() => campaignsApi.get(id), [id]);
  const figures = useLoad(() => campaignsApi.figures(id, rangeOf(range)), [id, range]);
  const bucket = rangeOf(range).bucket;
  const buckets = figures.data?.buckets ?? [];
  const shown = MEASURES.filter((m) => buckets.some((b) => typeof b[m.key] === 'number'));
  const label = (at: Bucket['at']) => (bucket === 'hour' ? new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : new Date(at).toLocaleDateString([], { month: 'short', day: 'numeric' }));
  const series: Series[] = shown.map((m) => ({ name: m.name, color: m.color, dash: m.dash, values: buckets.map((b) => b[m.key] ?? 0) }));
  const name = campaign.data?.data.name ?? id;

  return (
    <Layout section="campaigns" title={`Figures: ${name}`} actions={<a href={href('campaigns', id)}>Edit campaign</a>}>
      <div class="toolbar">
        <Select label="Period" name="range" value={range} options={RANGES} onChange={setRange} />
      </div>
      <Problem error={figures.error ?? campaign.error} />
      {figures.data?.source === 'delivery-log' && <p class="muted">Counted from the delivery log (sent, delivered, failed); triggers, opens and clicks come with the history service.</p>}
      {figures.loading && !figures.data && <p>Loading…</p>}
      {figures.data && (
        <>
          <LineChart title={`${name}: ${RANGES.find((r) => r[0] === range)![1]}`} labels={buckets.map((b) => label(b.at))} series={series} />
          {figures.data.variants.length > 0 && <VariantTable variants={figures.data.variants} period={RANGES.find((r) => r[0] === range)![1]} />}
          <details>
            <summary>The numbers</summary>
            <table>
              <caption class="visually-hidden">Figures per {bucket}</caption>
              <thead>
                <tr>
                  <th scope="col">{bucket === 'hour' ? 'Hour' : 'Day'}</th>
                  {shown.map((m) => (
                    <th scope="col" key={m.key}>
                      {m.name}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {buckets.map((b) => (
                  <tr key={String(b.at)}>
                    <th scope="row">{new Date(b.at).toLocaleString()}</th>
                    {shown.map((m) => (
                      <td key={m.key}>{b[m.key] ?? 0}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </>
      )}
    </Layout>
  );
}

/** An A/B test's arms side by side over the period; the control group is sent nothing, its "triggered" is its size. */
function VariantTable({ variants, period }: { variants: readonly VariantFigures[]; period: string }) {
  const rate = (part: number, whole: number) => (whole > 0 ? ` (${Math.round((100 * part) / whole)} %)` : '');
  return (
    <table>
      <caption>Variants: {period}</caption>
      <thead>
        <tr>
          <th scope="col">Variant</th>
          {MEASURES.map((m) => (
            <th scope="col" key={m.key}>
              {m.name}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {variants.map(({ variant, totals }) => (
          <tr key={variant}>
            <th scope="row" class="mono">
              {variant === 'control' ? 'control group (sent nothing)' : variant}
            </th>
            {MEASURES.map((m) => (
              <td key={m.key}>
                {totals[m.key]}
                {m.key === 'opened' || m.key === 'clicked' ? rate(totals[m.key], totals.delivered) : ''}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
