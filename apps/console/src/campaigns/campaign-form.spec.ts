import { cleanCampaign, describeTrigger, fromLocalInput, nextStatuses, toLocalInput, triggerOfType } from './campaign-form';

describe('campaign builder form', () => {
  it('keeps the first event type when the trigger kind changes', () => {
    const event = triggerOfType('event');
    expect(event).toEqual({ type: 'event', eventType: '' });
    const nfb = triggerOfType('not-followed-by', { type: 'event', eventType: 'cart_add' });
    expect(nfb).toEqual({ type: 'not-followed-by', first: { eventType: 'cart_add' }, then: { eventType: '' }, within: 'PT30M' });
    expect(triggerOfType('all-of', nfb)).toMatchObject({ events: [{ eventType: 'cart_add' }, { eventType: '' }] });
    expect(triggerOfType('schedule', nfb)).toEqual({ type: 'schedule', cron: '0 9 * * 1', timeZone: 'UTC' });
  });

  it('offers draft → live → paused ⇄ live → ended, and nothing after ended', () => {
    expect(nextStatuses('draft')).toEqual(['live']);
    expect(nextStatuses('live')).toEqual(['paused', 'ended']);
    expect(nextStatuses('paused')).toEqual(['live', 'ended']);
    expect(nextStatuses('ended')).toEqual([]);
  });

  it('leaves out empty optional sections, keeps filled ones', () => {
    const base = { name: 'n', status: 'draft' as const, trigger: { type: 'event' as const, eventType: 'purchase', where: [] }, webhookIds: ['w'] };
    expect(cleanCampaign({ ...base, filters: { profile: [], segments: { in: [], notIn: [] }, campaigns: [] }, caps: { oncePerCustomer: false }, window: {}, audience: { segmentId: '' } })).toEqual({
      name: 'n',
      status: 'draft',
      trigger: { type: 'event', eventType: 'purchase' },
      webhookIds: ['w'],
    });
    expect(cleanCampaign({ ...base, filters: { segments: { in: ['vip'] }, campaigns: [{ rule: 'not_received', campaignId: 'c', within: '' }] }, caps: { perCustomer: { max: 1, period: 'P1D' } } })).toMatchObject({
      filters: { segments: { in: ['vip'] }, campaigns: [{ rule: 'not_received', campaignId: 'c' }] },
      caps: { perCustomer: { max: 1, period: 'P1D' } },
    });
  });

  it('keeps an A/B test the form does not edit, so saving from the console never drops it', () => {
    const ab = { variants: [{ id: 'a', weight: 45, variables: { subject: 'A' } }, { id: 'b', weight: 45 }], controlGroup: { weight: 10 }, variantSeed: 's1' };
    const base = { name: 'n', status: 'live' as const, trigger: { type: 'event' as const, eventType: 'purchase' }, webhookIds: ['w'] };
    expect(cleanCampaign({ ...base, ...ab })).toEqual({ ...base, ...ab });
  });

  it('converts between ISO instants and datetime-local values', () => {
    const iso = '2026-03-01T08:30:00.000Z';
    expect(fromLocalInput(toLocalInput(iso))).toBe(iso);
    expect(fromLocalInput('')).toBeUndefined();
    expect(toLocalInput('not a date')).toBe('');
  });

  it('describes each trigger kind in one line', () => {
    expect(describeTrigger({ type: 'not-followed-by', first: { eventType: 'cart_add' }, then: { eventType: 'purchase' }, within: 'PT30M' })).toBe('cart_add not followed by purchase within PT30M');
    expect(describeTrigger({ type: 'schedule', cron: '0 9 * * 1', timeZone: 'Europe/Paris' })).toBe('cron 0 9 * * 1 (Europe/Paris)');
    expect(describeTrigger({ type: 'on-demand' })).toBe('on demand');
  });
});
