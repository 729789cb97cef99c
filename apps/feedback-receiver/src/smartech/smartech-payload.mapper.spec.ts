import { RequestValidationError } from '@cuewire/platform';
import { mapSmartechForm } from './smartech-payload.mapper.js';

/** The shape of Smartech's documented channel-activity samples. */
const activity = (webhookName: string, channel: string, extra: Record<string, unknown> = {}) => ({
  webhook_name: webhookName,
  event_params: { foreignkey: '9999999997', linkid: -1 },
  custom_params: { automationid: '169', link: 'http://www.some_link.com', channel, leadscore: 's2', ...extra },
  att_params: { MBR_DOBIRTH: '23-12-88' },
});
const form = (data: unknown) => new URLSearchParams({ data: typeof data === 'string' ? data : JSON.stringify(data) });

describe('Smartech activity mapping', () => {
  it('maps the documented channel activities, whatever their case', () => {
    const { engagements, ignored } = mapSmartechForm(
      form({ panelname: [activity('SMS_CLICK', 'sms'), activity('Email_CLICK', 'email'), activity('APN_CLICK', 'APN'), activity('BPN_CLICK', 'bpn'), activity('EMAIL_OPEN', 'email'), activity('BPN_VIEW', 'bpn')] }),
    );
    expect(ignored).toBe(0);
    expect(engagements.map((e) => e.type)).toEqual(['sms_click', 'email_click', 'push_click', 'push_click', 'email_open', 'push_view']);
    expect(engagements[0]).toMatchObject({ customerId: '9999999997', url: 'http://www.some_link.com', provider: 'smartech', properties: { channel: 'sms', automationId: '169', smartechPanel: 'panelname' } });
    expect(engagements[4].url).toBeUndefined();
  });

  it('prefers our custom params for customer, delivery and campaign, and the guid as event id', () => {
    const item = { ...activity('EMAIL_CLICK', 'email', { cuewire_customer_id: 'c-42', cuewire_delivery_id: 'msg_1', cuewire_campaign_id: 'welcome' }), event_params: { foreignkey: 'x', guid: 'g-1' } };
    expect(mapSmartechForm(form({ p: [item] })).engagements[0]).toMatchObject({ customerId: 'c-42', deliveryId: 'msg_1', campaignId: 'welcome', providerEventId: 'g-1' });
  });

  it('ignores custom activities and items without a customer', () => {
    const custom = { channel: 'custom_activity', webhook_name: 'Test Webhook URL for Automation', event_params: { foreignkey: 'x' } };
    expect(mapSmartechForm(form({ p: [custom, { webhook_name: 'SMS_CLICK' }] }))).toEqual({ engagements: [], ignored: 2 });
  });

  it('names what is malformed', () => {
    const pathOf = (f: URLSearchParams) => {
      try {
        mapSmartechForm(f);
      } catch (error) {
        return (error as RequestValidationError).errors[0].path;
      }
      return undefined;
    };
    expect(pathOf(new URLSearchParams())).toBe('data');
    expect(pathOf(form('{not json'))).toBe('data');
    expect(pathOf(form({ p: {} }))).toBe('data.p');
    expect(pathOf(form({ p: [1] }))).toBe('data.p[0]');
  });
});
