import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { signatureHeaders } from './webhook-signer.js';

const secret = () => `whsec_${randomBytes(32).toString('base64')}`;

describe('Standard Webhooks signing', () => {
  it('produces headers the standardwebhooks package verifies', () => {
    const key = secret();
    const body = JSON.stringify({ hello: 'world' });
    const headers = signatureHeaders('msg_1', body, [key]);
    expect(new Webhook(key).verify(body, headers)).toEqual({ hello: 'world' });
  });

  it('signs with every active secret during rotation, so either verifies', () => {
    const [oldKey, newKey] = [secret(), secret()];
    const body = '{"n":1}';
    const headers = signatureHeaders('msg_2', body, [oldKey, newKey]);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new Webhook(oldKey).verify(body, headers)).toEqual({ n: 1 });
    expect(new Webhook(newKey).verify(body, headers)).toEqual({ n: 1 });
  });

  it('fails verification for a tampered body', () => {
    const key = secret();
    const headers = signatureHeaders('msg_3', '{"n":1}', [key]);
    expect(() => new Webhook(key).verify('{"n":2}', headers)).toThrow();
  });

  it('gives exactly the signature the standardwebhooks package computes, for UTF-8 bodies and unprefixed secrets', () => {
    const at = new Date(1_764_000_000_000);
    for (const key of [secret(), randomBytes(24).toString('base64')]) {
      for (const body of ['{"name":"Zoë","city":"München","emoji":"🎉"}', '', 'x'.repeat(70_000)]) {
        const headers = signatureHeaders('msg_4', body, [key], at);
        expect(headers['webhook-signature']).toBe(new Webhook(key).sign('msg_4', at, body));
      }
    }
  });
});
