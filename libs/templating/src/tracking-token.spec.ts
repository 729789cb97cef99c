import { createHmac } from 'node:crypto';
import { clickRedirectPath, openPixelPath, signTrackingToken, verifyTrackingToken, type TrackingClaims } from './tracking-token.js';

const key = 'k'.repeat(32);
const click: TrackingClaims = { kind: 'click', deliveryId: 'msg_1', customerId: 'c-42', campaignId: 'welcome', url: 'https://shop.example/p?id=1&x=é' };

describe('tracking tokens', () => {
  it('round-trips open and click claims and stays URL-safe and compact', () => {
    const token = signTrackingToken(click, key);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(verifyTrackingToken(token, [key])).toEqual({ ok: true, claims: click });
    const open = signTrackingToken({ kind: 'open', deliveryId: 'msg_1', customerId: 'c-42' }, key);
    expect(open.length).toBeLessThan(80);
    expect(verifyTrackingToken(open, [key])).toEqual({ ok: true, claims: { kind: 'open', deliveryId: 'msg_1', customerId: 'c-42' } });
    expect(openPixelPath(open)).toBe(`/t/o/${open}.gif`);
    expect(clickRedirectPath(token)).toBe(`/t/c/${token}`);
  });

  it('rejects a payload changed to another destination, even re-encoded cleanly', () => {
    const [, signature] = signTrackingToken(click, key).split('.');
    const evil = Buffer.from(JSON.stringify(['c', 'msg_1', 'c-42', 'welcome', 'https://evil.example'])).toString('base64url');
    expect(verifyTrackingToken(`${evil}.${signature}`, [key])).toEqual({ ok: false, reason: 'token signature is invalid' });
  });

  it('rejects tokens signed with another key, garbage, and a truncated signature', () => {
    expect(verifyTrackingToken(signTrackingToken(click, 'x'.repeat(32)), [key]).ok).toBe(false);
    expect(verifyTrackingToken('garbage', [key]).ok).toBe(false);
    expect(verifyTrackingToken(signTrackingToken(click, key).slice(0, -2), [key]).ok).toBe(false);
    expect(verifyTrackingToken(signTrackingToken(click, key), []).ok).toBe(false);
  });

  it('verifies with any key of a rotation', () => {
    expect(verifyTrackingToken(signTrackingToken(click, key), ['n'.repeat(32), key]).ok).toBe(true);
  });

  it('refuses to sign or accept a non-http destination, even with a valid MAC', () => {
    expect(() => signTrackingToken({ ...click, url: 'javascript:alert(1)' }, key)).toThrow(/http/);
    const payload = Buffer.from(JSON.stringify(['c', 'd', 'c', '', 'javascript:alert(1)'])).toString('base64url');
    const mac = createHmac('sha256', key).update(`cwt1.${payload}`).digest().subarray(0, 16).toString('base64url');
    expect(verifyTrackingToken(`${payload}.${mac}`, [key])).toEqual({ ok: false, reason: 'token payload is malformed' });
  });
});
