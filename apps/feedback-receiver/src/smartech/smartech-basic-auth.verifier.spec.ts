import { verifySmartechBasicAuth } from './smartech-basic-auth.verifier.js';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('Smartech basic auth', () => {
  it('accepts the configured credentials (a colon in the password is allowed)', () => {
    expect(verifySmartechBasicAuth(basic('smartech', 'p:ss'), 'smartech', 'p:ss')).toEqual({ ok: true });
  });

  it('rejects wrong, missing and non-Basic credentials', () => {
    expect(verifySmartechBasicAuth(basic('smartech', 'nope'), 'smartech', 'p:ss').ok).toBe(false);
    expect(verifySmartechBasicAuth(undefined, 'smartech', 'p:ss').ok).toBe(false);
    expect(verifySmartechBasicAuth('Bearer abc', 'smartech', 'p:ss').ok).toBe(false);
  });

  it('rejects everything when no credentials are configured', () => {
    expect(verifySmartechBasicAuth(basic('', ''), '', '')).toMatchObject({ ok: false, reason: expect.stringMatching(/not configured/) });
  });
});
