import { RequestValidationError } from '@cuewire/platform';
import { mapTwilioStatus } from './twilio-status.mapper.js';

const query = new URLSearchParams({ cuewire_customer_id: 'c-42', cuewire_delivery_id: 'msg_1', cuewire_campaign_id: 'welcome' });

describe('Twilio status callback mapping', () => {
  it('maps delivered to sms_delivered with the ids from the callback URL', () => {
    const { engagements } = mapTwilioStatus(new URLSearchParams({ MessageSid: 'SM1', MessageStatus: 'delivered', To: '+1555' }), query);
    expect(engagements).toEqual([
      expect.objectContaining({ customerId: 'c-42', type: 'sms_delivered', deliveryId: 'msg_1', campaignId: 'welcome', providerEventId: 'SM1:delivered', provider: 'twilio' }),
    ]);
  });

  it('ignores other statuses', () => {
    expect(mapTwilioStatus(new URLSearchParams({ MessageSid: 'SM1', MessageStatus: 'sent' }), query)).toEqual({ engagements: [], ignored: 1 });
  });

  it('names every missing field', () => {
    try {
      mapTwilioStatus(new URLSearchParams({ MessageSid: 'SM1' }), new URLSearchParams());
      throw new Error('expected a 400');
    } catch (error) {
      expect((error as RequestValidationError).errors.map((e) => e.path)).toEqual(['MessageStatus', 'query.cuewire_customer_id']);
    }
  });
});
