import { RequestValidationError } from '@cuewire/platform';
import { mapSendgridEvents } from './sendgrid-events.mapper.js';

const ours = { email: 'ada@example.com', cuewire_customer_id: 'c-42', cuewire_delivery_id: 'msg_1', cuewire_campaign_id: 'welcome', timestamp: 1_800_000_000 };

describe('SendGrid events mapping', () => {
  it('maps delivered, open, click, bounce and dropped, with ids and the clicked link', () => {
    const { engagements, ignored } = mapSendgridEvents([
      { ...ours, event: 'delivered', sg_event_id: 'e1' },
      { ...ours, event: 'open', sg_event_id: 'e2', sg_machine_open: false },
      { ...ours, event: 'click', sg_event_id: 'e3', url: 'https://shop.example/a' },
      { ...ours, event: 'bounce', sg_event_id: 'e4', reason: '550 no such user', type: 'bounce' },
      { ...ours, event: 'dropped', sg_event_id: 'e5', reason: 'Bounced Address' },
    ]);
    expect(ignored).toBe(0);
    expect(engagements.map((e) => e.type)).toEqual(['email_delivered', 'email_open', 'email_click', 'email_bounce', 'email_bounce']);
    expect(engagements[2]).toMatchObject({ customerId: 'c-42', deliveryId: 'msg_1', campaignId: 'welcome', url: 'https://shop.example/a', providerEventId: 'e3', occurredAt: 1_800_000_000_000, provider: 'sendgrid' });
    expect(engagements[3].properties).toMatchObject({ providerEvent: 'bounce', reason: '550 no such user', bounceType: 'bounce' });
    expect(engagements[4].properties).toMatchObject({ providerEvent: 'dropped' });
  });

  it('ignores event kinds we do not track and mail Cuewire did not send', () => {
    const { engagements, ignored } = mapSendgridEvents([{ ...ours, event: 'processed' }, { event: 'open', email: 'x@y' }, { ...ours, event: 'spamreport' }]);
    expect(engagements).toEqual([]);
    expect(ignored).toBe(3);
  });

  it('names the field of a malformed event of ours, and rejects a non-array body', () => {
    const paths = (body: unknown) => {
      try {
        mapSendgridEvents(body);
      } catch (error) {
        return (error as RequestValidationError).errors.map((e) => e.path);
      }
      return [];
    };
    expect(paths([{ ...ours, event: 'open' }, { ...ours, event: 'open', cuewire_customer_id: 42 }])).toEqual(['$[1].cuewire_customer_id']);
    expect(paths({ event: 'open' })).toEqual(['$']);
    expect(paths([1])).toEqual(['$[0]']);
  });
});
