import { answer, ApiError, attemptOf } from './console-api';

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
    variant: 'b',
    batchId: null,
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
    expect(attemptOf(listed).variant).toBe('b');
  });
});

describe('answers of the typed client', () => {
  const problem = { status: 400, title: 'Invalid request', detail: 'The body is invalid', errors: [{ path: '$.url', message: 'must be a URL' }] };

  it('gives the data with the ETag the server sent', async () => {
    const response = new Response('{}', { status: 200, headers: { etag: 'W/"3"' } });
    await expect(answer(Promise.resolve({ data: { id: 'wh_1' }, response }))).resolves.toEqual({ data: { id: 'wh_1' }, etag: 'W/"3"' });
  });

  it('turns a problem-details answer into an ApiError with its field errors', async () => {
    const failed = answer(Promise.resolve({ error: problem, response: new Response(null, { status: 400, statusText: 'Bad Request' }) }), true);
    await expect(failed).rejects.toEqual(new ApiError(400, 'Invalid request', problem.errors, 'The body is invalid'));
    await expect(failed).rejects.toMatchObject({ status: 400, errors: problem.errors });
  });

  it('names an answer without problem details by its status, and a network failure status 0', async () => {
    await expect(answer(Promise.resolve({ error: 'upstream down', response: new Response(null, { status: 502, statusText: 'Bad Gateway' }) }), true)).rejects.toMatchObject({ status: 502, title: '502 Bad Gateway', errors: [] });
    await expect(answer(Promise.reject(new TypeError('Failed to fetch')))).rejects.toMatchObject({ status: 0, detail: 'Failed to fetch' });
  });
});
