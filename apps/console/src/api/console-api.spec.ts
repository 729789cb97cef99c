import { attemptOf } from './console-api';

describe('attempts as the pages read them', () => {
  it('takes the history service’s attemptedAt as the time and its bodyExcerpt as the request body', () => {
    const answered = {
      deliveryId: 'msg_1',
      attempt: 1,
      outcome: 'DELIVERED',
      attemptedAt: 1_764_000_000_000,
      statusCode: 200,
      request: { method: 'POST', url: 'https://example.com/a', headers: { 'content-type': 'application/json' }, bodyExcerpt: '{"a": 1}' },
    };
    expect(attemptOf(answered)).toEqual({
      deliveryId: 'msg_1',
      attempt: 1,
      outcome: 'DELIVERED',
      at: 1_764_000_000_000,
      statusCode: 200,
      request: { method: 'POST', url: 'https://example.com/a', headers: { 'content-type': 'application/json' }, body: '{"a": 1}' },
    });
  });

  it('leaves out a request that was never sent (render failures), and keeps an `at` already there', () => {
    expect(attemptOf({ deliveryId: 'msg_2', outcome: 'RENDER_FAILED', attemptedAt: 5, request: null })).toEqual({ deliveryId: 'msg_2', outcome: 'RENDER_FAILED', at: 5 });
    expect(attemptOf({ deliveryId: 'msg_3', at: 7 })).toEqual({ deliveryId: 'msg_3', at: 7 });
  });
});
