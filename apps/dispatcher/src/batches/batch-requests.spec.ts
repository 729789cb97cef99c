import type { WebhookRequest } from '@cuewire/contracts';
import { batchRequestOf, deliveriesOf, withItems } from './batch-requests.js';

const item = (n: number, variant: string | null): WebhookRequest => ({
  deliveryId: `msg_${n}`,
  triggerId: `trg_${n}`,
  webhookId: 'activities',
  webhookRevision: 1,
  campaignId: 'spring-test',
  customerId: `c-${n}`,
  method: 'POST',
  url: 'https://receiver.example/activities',
  headers: { 'content-type': 'application/json' },
  body: Buffer.from(`{"n": ${n}}`),
  attempt: 1,
  notBefore: 0,
  createdAt: 1_764_000_000_000 + n,
  variant,
  batchItem: true,
  batch: null,
});

describe('a batch of A/B test items', () => {
  it('has no variant of its own; each item keeps its trigger’s, so each item’s result carries it', () => {
    const batch = batchRequestOf([item(2, null), item(1, 'b'), item(0, 'a')]);
    expect(batch.variant).toBeNull();
    expect(deliveriesOf(batch).map((d) => [d.deliveryId, d.variant])).toEqual([
      ['msg_0', 'a'],
      ['msg_1', 'b'],
      ['msg_2', null],
    ]);
  });

  it('keeps the items’ variants when acknowledged items are dropped before an attempt', () => {
    const batch = batchRequestOf([item(0, 'a'), item(1, 'b')]);
    const rest = withItems(batch, batch.batch!.items.slice(1), () => '[]');
    expect(deliveriesOf(rest).map((d) => d.variant)).toEqual(['b']);
  });

  it('a single delivery stands for itself, variant included', () => {
    expect(deliveriesOf({ ...item(3, 'a'), batchItem: false })).toEqual([expect.objectContaining({ deliveryId: 'msg_3', variant: 'a' })]);
  });
});
