import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { parseSendgridPublicKey, verifySendgridSignature } from './sendgrid-signature.verifier.js';

/** Signs as SendGrid does: ECDSA P-256 / SHA-256 over timestamp + body, DER, base64. */
function sendgridSign(privateKey: KeyObject, timestamp: string, body: string): string {
  return sign('sha256', Buffer.from(timestamp + body), { key: privateKey, dsaEncoding: 'der' }).toString('base64');
}

describe('SendGrid signed event webhook', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const keyAsShownBySendgrid = publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
  const key = parseSendgridPublicKey(keyAsShownBySendgrid);
  const body = '[{"event":"open","sg_event_id":"e1"}]';
  const now = 1_800_000_000;
  const ts = String(now - 10);

  it('accepts a signature over timestamp + raw body with the base64 DER key', () => {
    expect(verifySendgridSignature({ rawBody: Buffer.from(body), signature: sendgridSign(privateKey, ts, body), timestamp: ts }, key, now, 300)).toEqual({ ok: true });
  });

  it('accepts the key in PEM form too', () => {
    const pem = parseSendgridPublicKey(publicKey.export({ format: 'pem', type: 'spki' }).toString());
    expect(verifySendgridSignature({ rawBody: Buffer.from(body), signature: sendgridSign(privateKey, ts, body), timestamp: ts }, pem, now, 300).ok).toBe(true);
  });

  it('rejects a tampered body, a moved timestamp, a stale timestamp and a missing signature', () => {
    const signature = sendgridSign(privateKey, ts, body);
    expect(verifySendgridSignature({ rawBody: Buffer.from(body.replace('open', 'click')), signature, timestamp: ts }, key, now, 300)).toMatchObject({ ok: false, reason: expect.stringMatching(/does not match/) });
    expect(verifySendgridSignature({ rawBody: Buffer.from(body), signature, timestamp: String(now - 9) }, key, now, 300).ok).toBe(false);
    const old = String(now - 301);
    expect(verifySendgridSignature({ rawBody: Buffer.from(body), signature: sendgridSign(privateKey, old, body), timestamp: old }, key, now, 300)).toMatchObject({ ok: false, reason: expect.stringMatching(/tolerance/) });
    expect(verifySendgridSignature({ rawBody: Buffer.from(body), signature: undefined, timestamp: ts }, key, now, 300).ok).toBe(false);
  });

  it('rejects a signature made with another key', () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
    expect(verifySendgridSignature({ rawBody: Buffer.from(body), signature: sendgridSign(other, ts, body), timestamp: ts }, key, now, 300).ok).toBe(false);
  });

  it('refuses a key that is not P-256', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    expect(() => parseSendgridPublicKey(rsa)).toThrow(/P-256/);
  });
});
