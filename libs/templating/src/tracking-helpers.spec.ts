import { compileTemplate, createTemplateEngine } from './template-engine.js';
import { verifyTrackingToken } from './tracking-token.js';

const key = 'k'.repeat(32);
const context = { customer: { id: 'c-42' }, campaign: { id: 'welcome', name: 'Welcome', version: 1 }, delivery: { id: 'msg_1' }, event: { properties: { url: 'https://shop.example/p?id=1' } } };
const render = (source: string, tracking?: Parameters<typeof createTemplateEngine>[1]) => compileTemplate(createTemplateEngine({}, tracking), source, 'body')(context);
const tokenOf = (link: string, prefix: string) => link.slice(prefix.length).replace(/\.gif$/, '');

describe('tracking helpers', () => {
  const tracking = { key, baseUrl: 'https://hooks.example.com/' };

  it('{{trackClick url}} is a signed redirect for this delivery, campaign and customer', () => {
    const link = render('{{trackClick event.properties.url}}', tracking);
    expect(link.startsWith('https://hooks.example.com/t/c/')).toBe(true);
    expect(verifyTrackingToken(tokenOf(link, 'https://hooks.example.com/t/c/'), [key])).toEqual({
      ok: true,
      claims: { kind: 'click', deliveryId: 'msg_1', customerId: 'c-42', campaignId: 'welcome', url: 'https://shop.example/p?id=1' },
    });
  });

  it('{{openPixel}} is the signed open pixel', () => {
    const link = render('<img src="{{openPixel}}">', tracking);
    const src = /src="([^"]+)"/.exec(link)![1];
    expect(src).toMatch(/^https:\/\/hooks\.example\.com\/t\/o\/.+\.gif$/);
    expect(verifyTrackingToken(tokenOf(src, 'https://hooks.example.com/t/o/'), [key])).toEqual({ ok: true, claims: { kind: 'open', deliveryId: 'msg_1', customerId: 'c-42', campaignId: 'welcome' } });
  });

  it('fails the render, naming the helper, for a missing or non-http URL and when tracking is not configured', () => {
    expect(() => render('{{trackClick event.properties.nope}}', tracking)).toThrow(/trackClick: the value .*is missing/);
    expect(() => render('{{trackClick "javascript:alert(1)"}}', tracking)).toThrow(/absolute http\(s\) url/);
    expect(() => render('{{openPixel}}', { unavailable: 'tracking links need FEEDBACK_TRACKING_KEYS' })).toThrow(/openPixel: tracking links need FEEDBACK_TRACKING_KEYS/);
  });

  it('renders placeholders where nothing is sent (save-time checks, previews)', () => {
    expect(render('{{trackClick event.properties.url}} {{openPixel}}')).toBe('https://tracking.invalid/t/c/preview?url=https%3A%2F%2Fshop.example%2Fp%3Fid%3D1 https://tracking.invalid/t/o/preview.gif');
  });
});
