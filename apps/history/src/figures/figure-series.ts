import { BUCKETS, type Bucket, type CampaignFigures } from './campaign-figures.schemas.js';

/** One grouped count row: per webhook (or null for the campaign) and bucket (or null for the whole range). */
export interface FigureRow {
  readonly webhookId: string | null;
  readonly start: number | null;
  readonly figures: Partial<CampaignFigures>;
}

const ZERO: CampaignFigures = { triggered: 0, sent: 0, delivered: 0, failed: 0, opened: 0, clicked: 0 };

/** Bucket starts (UTC) covering [from, to]: from rounded down to its bucket. */
export function bucketStarts(from: number, to: number, bucket: Bucket): number[] {
  const size = BUCKETS[bucket];
  const starts: number[] = [];
  for (let start = Math.floor(from / size) * size; start <= to; start += size) starts.push(start);
  return starts;
}

/** Per key (campaign or webhook): totals and a dense series with zeros where a bucket had nothing. */
export function assembleFigures(starts: readonly number[], rows: readonly FigureRow[]) {
  const keyed = new Map<string | null, { totals: CampaignFigures; byStart: Map<number, CampaignFigures> }>();
  const entry = (webhookId: string | null) => {
    let e = keyed.get(webhookId);
    if (!e) keyed.set(webhookId, (e = { totals: { ...ZERO }, byStart: new Map() }));
    return e;
  };
  for (const row of rows) {
    const e = entry(row.webhookId);
    if (row.start === null) Object.assign(e.totals, row.figures);
    else e.byStart.set(row.start, { ...(e.byStart.get(row.start) ?? ZERO), ...row.figures });
  }
  const seriesOf = (e: { byStart: Map<number, CampaignFigures> }) => starts.map((start) => ({ start, ...(e.byStart.get(start) ?? ZERO) }));
  const campaign = entry(null);
  return {
    totals: campaign.totals,
    series: seriesOf(campaign),
    webhooks: [...keyed.entries()]
      .filter((k): k is [string, typeof campaign] => k[0] !== null)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([webhookId, e]) => ({ webhookId, totals: withoutTriggered(e.totals), series: seriesOf(e).map(withoutTriggered) })),
  };
}

function withoutTriggered<T extends CampaignFigures>({ triggered: _triggered, ...rest }: T): Omit<T, 'triggered'> {
  return rest;
}
