import { RequestValidationError } from '@cuewire/platform';
import { httpUrlOrUndefined, type Engagement, type EngagementType, type MappedCallback } from '../engagements/engagement.js';

/**
 * Smartech (Netcore) channel-activity webhook → Cuewire. The body is form-urlencoded with one
 * field, `data`, holding JSON `{ "<panel>": [ { webhook_name, event_params, custom_params, … } ] }`.
 * The activity comes from webhook_name (`EMAIL_CLICK`, `SMS_CLICK`, `APN_CLICK`, `BPN_VIEW`, …,
 * any case); the customer is custom_params.cuewire_customer_id, else event_params.foreignkey
 * (the panel's primary key); custom_params.cuewire_delivery_id / cuewire_campaign_id and
 * event_params.guid (a unique event id, when present) link and deduplicate it.
 */
const ACTIVITIES: Readonly<Record<string, EngagementType>> = {
  EMAIL_OPEN: 'email_open',
  EMAIL_CLICK: 'email_click',
  EMAIL_BOUNCE: 'email_bounce',
  EMAIL_DELIVERED: 'email_delivered',
  SMS_DELIVERED: 'sms_delivered',
  SMS_CLICK: 'sms_click',
  APN_VIEW: 'push_view',
  APN_CLICK: 'push_click',
  BPN_VIEW: 'push_view',
  BPN_CLICK: 'push_click',
};

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const idOf = (v: unknown): string | undefined => {
  const s = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : '';
  return s.length > 0 && s.length <= 200 ? s : undefined;
};
const bad = (path: string, message: string) => new RequestValidationError([{ path, message }]);

export function mapSmartechForm(form: URLSearchParams): MappedCallback {
  const data = form.get('data');
  if (data === null) throw bad('data', 'is required: the form field holding the JSON payload');
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch (error) {
    throw bad('data', `is not valid JSON (${(error as Error).message})`);
  }
  if (!isObject(parsed)) throw bad('data', 'must be a JSON object of panel name → array of activities');
  const engagements: Engagement[] = [];
  let total = 0;
  for (const [panel, items] of Object.entries(parsed)) {
    if (!Array.isArray(items)) throw bad(`data.${panel}`, 'must be an array of activities');
    items.forEach((item, i) => {
      if (!isObject(item)) throw bad(`data.${panel}[${i}]`, 'must be an activity object');
      total++;
      const engagement = toEngagement(panel, item);
      if (engagement) engagements.push(engagement);
    });
  }
  return { engagements, ignored: total - engagements.length };
}

function toEngagement(panel: string, item: Json): Engagement | undefined {
  const name = typeof item.webhook_name === 'string' ? item.webhook_name.trim().toUpperCase() : '';
  const type = ACTIVITIES[name];
  const eventParams = isObject(item.event_params) ? item.event_params : {};
  const customParams = isObject(item.custom_params) ? item.custom_params : {};
  const customerId = idOf(customParams.cuewire_customer_id) ?? idOf(eventParams.foreignkey);
  if (!type || !customerId) return undefined;
  return {
    customerId,
    type,
    provider: 'smartech',
    deliveryId: idOf(customParams.cuewire_delivery_id),
    campaignId: idOf(customParams.cuewire_campaign_id),
    url: type.endsWith('_click') ? httpUrlOrUndefined(customParams.link) : undefined,
    providerEventId: idOf(eventParams.guid),
    properties: {
      providerEvent: name,
      smartechPanel: panel,
      ...(idOf(customParams.channel) ? { channel: idOf(customParams.channel)!.toLowerCase() } : {}),
      ...(idOf(customParams.automationid) ? { automationId: idOf(customParams.automationid) } : {}),
      ...(idOf(eventParams.linkid) ? { linkId: idOf(eventParams.linkid) } : {}),
      ...(idOf(item.msgid) ? { msgId: idOf(item.msgid) } : {}),
    },
  };
}
