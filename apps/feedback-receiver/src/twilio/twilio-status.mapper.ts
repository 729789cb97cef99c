import { RequestValidationError, type FieldError } from '@cuewire/platform';
import type { MappedCallback } from '../engagements/engagement.js';

/**
 * Twilio status callback → Cuewire. Messages are sent with a StatusCallback URL that carries
 * our ids as query parameters (Twilio signs the full URL, so they are tamper-proof too):
 *   …/v1/feedback/twilio/status?cuewire_customer_id=c-42&cuewire_delivery_id=msg_1&cuewire_campaign_id=welcome
 * Only MessageStatus=delivered is an engagement (sms_delivered); queued/sent/failed/… are ignored.
 */
export function mapTwilioStatus(form: URLSearchParams, query: URLSearchParams): MappedCallback {
  const errors: FieldError[] = [];
  const required = (params: URLSearchParams, name: string, path: string) => {
    const value = params.get(name) ?? '';
    if (value.length === 0 || value.length > 200) errors.push({ path, message: 'is required (1-200 characters)' });
    return value;
  };
  const status = required(form, 'MessageStatus', 'MessageStatus');
  const messageSid = required(form, 'MessageSid', 'MessageSid');
  const customerId = required(query, 'cuewire_customer_id', 'query.cuewire_customer_id');
  if (errors.length > 0) throw new RequestValidationError(errors);
  if (status !== 'delivered') return { engagements: [], ignored: 1 };
  const optional = (name: string) => {
    const value = query.get(name);
    return value && value.length <= 200 ? value : undefined;
  };
  return {
    ignored: 0,
    engagements: [
      {
        customerId,
        type: 'sms_delivered',
        provider: 'twilio',
        deliveryId: optional('cuewire_delivery_id'),
        campaignId: optional('cuewire_campaign_id'),
        // One callback per (message, status): Twilio's retries of it share both.
        providerEventId: `${messageSid}:${status}`,
        properties: { messageSid, providerEvent: status },
      },
    ],
  };
}
