import type { Schemas } from '@cuewire/client';
import { DEMO_SIGNING_SECRET } from './demo-receiver.js';

/** The webhook and campaign the demo (and the README) create. */
export function demoWebhook(receiverUrl: string) {
  return {
    id: 'demo-order-confirmation',
    name: 'Order confirmation (demo receiver)',
    url: `${receiverUrl}/orders/{{customer.id}}`,
    method: 'POST',
    headers: { 'X-Campaign': '{{campaign.id}}' },
    body: '{"to": {{json (default customer.email null)}}, "name": {{json (default customer.firstName "there")}}, "total": {{json event.properties.total}}, "currency": {{json event.properties.currency}}, "items": {{json event.properties.items}} }',
    signing: { type: 'standard-webhooks', secrets: [DEMO_SIGNING_SECRET] },
  } satisfies Schemas['WebhookCreate'];
}

export const demoCampaign = {
  id: 'demo-thank-you',
  name: 'Thank you for your purchase',
  status: 'live',
  trigger: { type: 'event', eventType: 'purchase' },
  webhookIds: ['demo-order-confirmation'],
} satisfies Schemas['CampaignCreate'];
