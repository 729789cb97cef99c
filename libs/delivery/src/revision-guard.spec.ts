import { mayUseCurrentCredentials, templateOrigin } from './revision-guard.js';

const webhook = (url: string, revision = 2, auth = 'bearer') => ({ id: 'wh', url, revision, auth: { type: auth } });
const request = (url: string, webhookRevision = 1) => ({ url, webhookRevision });

describe('a request rendered under an older webhook revision', () => {
  it('is not sent to the old host with the credentials of a webhook that moved', () => {
    const verdict = mayUseCurrentCredentials(request('https://old.example/hook/c1'), webhook('https://new.example/hook/{{customer.id}}'));
    expect(verdict).toEqual({ send: false, reason: expect.stringMatching(/moved from https:\/\/old\.example to https:\/\/new\.example/) });
  });

  it('is sent when the host is the same, the revision is current, or there is no auth to leak', () => {
    expect(mayUseCurrentCredentials(request('https://api.example/v1/a'), webhook('https://api.example/v2/{{customer.id}}'))).toEqual({ send: true });
    expect(mayUseCurrentCredentials(request('https://old.example/a', 2), webhook('https://new.example/a', 2))).toEqual({ send: true });
    expect(mayUseCurrentCredentials(request('https://old.example/a'), webhook('https://new.example/a', 2, 'none'))).toEqual({ send: true });
  });

  it('knows the origin of a template only where the host is fixed', () => {
    expect(templateOrigin('https://api.sendgrid.com/v3/mail/send')).toBe('https://api.sendgrid.com');
    expect(templateOrigin('http://127.0.0.1:9999/orders/{{customer.id}}')).toBe('http://127.0.0.1:9999');
    expect(templateOrigin('https://{{customer.region}}.api.example/x')).toBeUndefined();
    expect(templateOrigin('{{customer.webhookUrl}}')).toBeUndefined();
  });
});
