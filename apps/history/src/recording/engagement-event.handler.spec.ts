import type { CustomerEvent } from '@cuewire/contracts';
import { PoisonRecordError } from '@cuewire/kafka';
import { engagementOf } from './engagement-event.handler.js';

const event = (type: string, properties: Record<string, unknown> | string): CustomerEvent => ({
  eventId: 'evt_1',
  customerId: 'c-1',
  type,
  occurredAt: 1_700_000_000_000,
  receivedAt: 1_700_000_000_500,
  source: 'feedback',
  properties: typeof properties === 'string' ? properties : JSON.stringify(properties),
});

describe('engagements kept in the history', () => {
  it('keeps an event attributed to a campaign, with its delivery and link', () => {
    expect(engagementOf(event('email_click', { provider: 'tracking', campaignId: 'camp-1', deliveryId: 'msg_1', url: 'https://shop.test/p' }))).toEqual({
      eventId: 'evt_1',
      customerId: 'c-1',
      type: 'email_click',
      campaignId: 'camp-1',
      deliveryId: 'msg_1',
      url: 'https://shop.test/p',
      occurredAt: 1_700_000_000_000,
    });
  });

  it('skips events no campaign is named in (a purchase, an engagement without campaignId)', () => {
    expect(engagementOf(event('purchase', { total: 10 }))).toBeNull();
    expect(engagementOf(event('email_open', { provider: 'sendgrid', campaignId: null, deliveryId: 'msg_1' }))).toBeNull();
  });

  it('dead-letters properties that are not a JSON object', () => {
    expect(() => engagementOf(event('email_open', '[1, 2]'))).toThrow(PoisonRecordError);
  });
});
