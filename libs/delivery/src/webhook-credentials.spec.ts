import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { SecretBox } from './secret-box.js';
import { deliveryHeaders, openCredentials, redactHeaders, secretContext } from './webhook-credentials.js';

const box = new SecretBox(randomBytes(32));
const whsec = () => `whsec_${randomBytes(32).toString('base64')}`;
const seal = (value: string) => box.seal(value, secretContext('wh1'));
const now = Date.UTC(2026, 0, 1);

describe('delivery credentials', () => {
  it('signs with every secret not yet expired during a rotation, and each verifies with standardwebhooks', () => {
    const [expired, retiring, current] = [whsec(), whsec(), whsec()];
    const webhook = {
      id: 'wh1',
      auth: { type: 'none' as const },
      signing: {
        secrets: [
          { id: 's0', value: seal(expired), createdAt: 0, expiresAt: now - 1 },
          { id: 's1', value: seal(retiring), createdAt: 0, expiresAt: now + 3_600_000 },
          { id: 's2', value: seal(current), createdAt: 0, expiresAt: null },
        ],
      },
    };
    const credentials = openCredentials(webhook, box, now);
    expect(credentials.signingSecrets).toEqual([retiring, current]);
    const body = '{"a":1}';
    const headers = deliveryHeaders({ 'content-type': 'application/json' }, 'msg_1', body, credentials);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    for (const secret of [retiring, current]) expect(new Webhook(secret).verify(body, headers)).toEqual({ a: 1 });
    expect(() => new Webhook(expired).verify(body, headers)).toThrow();
    // After the overlap only the new secret signs.
    expect(openCredentials(webhook, box, now + 3_600_001).signingSecrets).toEqual([current]);
  });

  it.each([
    [{ type: 'basic' as const, username: 'AC1', password: seal('p@ss:word') }, 'authorization', `Basic ${Buffer.from('AC1:p@ss:word').toString('base64')}`, 'Basic [redacted]'],
    [{ type: 'bearer' as const, token: seal('SG.key') }, 'authorization', 'Bearer SG.key', 'Bearer [redacted]'],
    [{ type: 'header' as const, name: 'X-Api-Key', value: seal('k-123') }, 'x-api-key', 'k-123', '[redacted]'],
  ])('applies %o auth at send time and redacts it for display', (auth, header, sent, shown) => {
    const credentials = openCredentials({ id: 'wh1', auth }, box, now);
    const headers = deliveryHeaders({ authorization: 'from template' }, 'msg_2', '', credentials);
    expect(headers[header]).toBe(sent);
    expect(headers['webhook-id']).toBe('msg_2');
    const redacted = redactHeaders(headers, credentials);
    expect(redacted[header]).toBe(shown);
    expect(JSON.stringify(redacted)).not.toContain(sent.replace(/^(Basic|Bearer) /, ''));
  });
});
