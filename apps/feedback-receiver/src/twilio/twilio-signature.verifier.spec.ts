import { twilioSignature, urlVariants, verifyTwilioSignature } from './twilio-signature.verifier.js';

// Twilio's documented example ("Validating signatures from Twilio"): auth token 12345.
const docsUrl = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const docsParams = (phone: string): [string, string][] => [
  ['CallSid', 'CA1234567890ABCDE'],
  ['Caller', phone],
  ['Digits', '1234'],
  ['From', phone],
  ['To', '+18005551212'],
];

describe('Twilio request signature', () => {
  it("reproduces Twilio's published test vectors", () => {
    expect(twilioSignature('12345', docsUrl, docsParams('+12349013030'))).toBe('0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
    // The vector in twilio-node's own test suite.
    expect(twilioSignature('12345', docsUrl, docsParams('+14158675309'))).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
  });

  it('sorts parameters by name whatever order they arrive in', () => {
    expect(twilioSignature('12345', docsUrl, [...docsParams('+12349013030')].reverse())).toBe('0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
  });

  it('verifies with any configured token and rejects a changed parameter or URL', () => {
    const params = docsParams('+12349013030');
    const signature = '0/KCTR6DLpKmkAf8muzZqo1nDgQ=';
    expect(verifyTwilioSignature({ fullUrl: docsUrl, params, signature }, ['old-token-x', '12345']).ok).toBe(true);
    expect(verifyTwilioSignature({ fullUrl: docsUrl, params: [...params.slice(1), ['CallSid', 'CA0']], signature }, ['12345']).ok).toBe(false);
    expect(verifyTwilioSignature({ fullUrl: `${docsUrl}&x=1`, params, signature }, ['12345']).ok).toBe(false);
    expect(verifyTwilioSignature({ fullUrl: docsUrl, params, signature: undefined }, ['12345'])).toMatchObject({ ok: false, reason: expect.stringMatching(/missing/) });
  });

  it('accepts the URL signed with or without the default port', () => {
    expect(urlVariants('https://a.example/x?y=1')).toEqual(['https://a.example/x?y=1', 'https://a.example:443/x?y=1']);
    expect(urlVariants('https://a.example:443/x')).toEqual(['https://a.example:443/x', 'https://a.example/x']);
    expect(urlVariants('http://127.0.0.1:8080/x')).toEqual(['http://127.0.0.1:8080/x']);
    const signature = twilioSignature('12345', 'https://mycompany.com:443/myapp.php?foo=1&bar=2', docsParams('+1'));
    expect(verifyTwilioSignature({ fullUrl: docsUrl, params: docsParams('+1'), signature }, ['12345']).ok).toBe(true);
  });
});
