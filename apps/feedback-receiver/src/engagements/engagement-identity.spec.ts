import { dedupeKeyOf, eventIdFor } from './engagement-identity.js';
import type { Engagement } from './engagement.js';

const click: Engagement = { customerId: 'c1', type: 'email_click', provider: 'sendgrid', deliveryId: 'd1', url: 'https://shop.example/a' };

describe('engagement identity', () => {
  it('prefers the provider event id over the delivery', () => {
    expect(dedupeKeyOf({ ...click, providerEventId: 'sg-1' })).toBe('provider\u0000sendgrid\u0000sg-1');
  });

  it('falls back to delivery + type + link, so two links of one email are two clicks', () => {
    const a = dedupeKeyOf(click);
    const b = dedupeKeyOf({ ...click, url: 'https://shop.example/b' });
    expect(a).toBeDefined();
    expect(a).not.toBe(b);
    expect(dedupeKeyOf({ ...click, type: 'email_open', url: undefined })).toBe('delivery\u0000d1\u0000email_open');
  });

  it('has no key without a provider event id or a delivery', () => {
    expect(dedupeKeyOf({ customerId: 'c1', type: 'email_open', provider: 'api' })).toBeUndefined();
  });

  it('derives the same compact event id from the same key', () => {
    expect(eventIdFor('k')).toBe(eventIdFor('k'));
    expect(eventIdFor('k')).toMatch(/^eng_[0-9a-f]{32}$/);
    expect(eventIdFor('k')).not.toBe(eventIdFor('k2'));
  });
});
