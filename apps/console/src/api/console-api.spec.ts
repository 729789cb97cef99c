import { attemptOf } from './console-api';

describe('attempts as the pages read them', () => {
  const listed = {
    deliveryId: 'msg_1',
    triggerId: 't_1',
    webhookId: 'wh_1',
    campaignId: 'c_1',
    customerId: 'cu_1',
    attempt: 1,
    outcome: 'DELIVERED' as const,
    attemptedAt: 1_764_000_000_000,
    statusCode: 200,
    latencyMs: 12,
    error: null,
    errorPath: null,
    responseExcerpt: 'ok',
  };
  const { attemptedAt: _t, ...read } = listed;

  it('takes the history service’s attemptedAt as the time and its bodyExcerpt as the request body', () => {
    const request = { method: 'POST', url: 'https://example.com/a', headers: { 'content-type': 'application/json' } };
    expect(attemptOf({ ...listed, request: { ...request, bodyExcerpt: '{"a": 1}' } })).toEqual({ ...read, at: 1_764_000_000_000, request: { ...request, body: '{"a": 1}' } });
    expect(attemptOf({ ...listed, request: { ...request, bodyExcerpt: null } }).request?.body).toBe('');
  });

  it('leaves out a request that was never sent (render failures) and one a search does not list', () => {
    expect(attemptOf({ ...listed, outcome: 'RENDER_FAILED', request: null })).toEqual({ ...read, outcome: 'RENDER_FAILED', at: 1_764_000_000_000 });
    expect(attemptOf(listed)).toEqual({ ...read, at: 1_764_000_000_000 });
  });
});
