import { Webhook } from 'standardwebhooks';
import { verifyStandardWebhook } from './standard-webhook.verifier.js';

describe('Standard Webhooks verification', () => {
  const secret = `whsec_${Buffer.from('feedback-test-secret-0123456789').toString('base64')}`;
  const body = '{"customerId":"c1","type":"email_open"}';
  const now = Math.floor(Date.now() / 1000);
  const signed = (at: number, payload = body) => ({
    rawBody: Buffer.from(payload),
    id: 'msg_1',
    timestamp: String(at),
    signature: new Webhook(secret).sign('msg_1', new Date(at * 1000), payload),
  });

  it('accepts a request signed with one of the configured secrets', () => {
    expect(verifyStandardWebhook(signed(now), ['whsec_b3RoZXItc2VjcmV0LXh4eHh4', secret], now, 300)).toEqual({ ok: true });
  });

  it('rejects a tampered body, a stale timestamp and a missing id', () => {
    const req = signed(now);
    expect(verifyStandardWebhook({ ...req, rawBody: Buffer.from(body.replace('c1', 'c2')) }, [secret], now, 300).ok).toBe(false);
    expect(verifyStandardWebhook(signed(now - 120), [secret], now, 60)).toMatchObject({ ok: false, reason: expect.stringMatching(/tolerance/) });
    expect(verifyStandardWebhook({ ...req, id: undefined }, [secret], now, 300).ok).toBe(false);
  });

  it('rejects everything when no secret is configured', () => {
    expect(verifyStandardWebhook(signed(now), [], now, 300)).toMatchObject({ ok: false, reason: expect.stringMatching(/not configured/) });
  });
});
