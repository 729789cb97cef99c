import 'reflect-metadata';
import { ForbiddenException, UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import { authenticateRequest, issueApiKey, sha256Hex, type CredentialHeaders } from '@cuewire/api-keys';
import { Public, RequiresScope } from '@cuewire/platform';
import type { ApiKeyCatalog } from './api-key.catalog.js';
import { ApiKeyGuard } from './api-key.guard.js';

const bootstrap = 'bootstrap-key-with-at-least-32-characters';
const ingest = issueApiKey({ name: 'shop', scopes: ['ingest'] }, Date.now());
const stored = new Map([[ingest.id, ingest.stored]]);
const catalog = {
  authenticate: (headers: CredentialHeaders) => authenticateRequest(headers, { bootstrapDigest: sha256Hex(bootstrap), find: (id) => stored.get(id) }, Date.now()),
} as unknown as ApiKeyCatalog;

@RequiresScope('admin')
class AdminController {
  list() {}
  @Public()
  open() {}
}

@RequiresScope('ingest')
class IngestController {
  accept() {}
}

class UndecidedController {
  anything() {}
}

/** Runs the guard for one route; returns whether it let the call through, or the HTTP error and the reply headers it set. */
function call(controller: { prototype: object }, method: string, headers: Record<string, string>) {
  const replyHeaders: Record<string, string> = {};
  const reply = { header: (name: string, value: string) => ((replyHeaders[name] = value), reply) };
  const context = {
    getType: () => 'http',
    getClass: () => controller,
    getHandler: () => (controller.prototype as Record<string, unknown>)[method],
    switchToHttp: () => ({ getRequest: () => ({ headers }), getResponse: () => reply }),
  } as unknown as ExecutionContext;
  try {
    return { allowed: new ApiKeyGuard(catalog).canActivate(context), replyHeaders };
  } catch (error) {
    // Nest HTTP exceptions, so the platform filter answers them as problem+json.
    if (!(error instanceof UnauthorizedException || error instanceof ForbiddenException)) throw error;
    return { status: error.getStatus(), body: error.getResponse(), replyHeaders };
  }
}

describe('API-key guard', () => {
  it('lets anyone call a @Public() route, also inside a scoped controller', () => {
    expect(call(AdminController, 'open', {}).allowed).toBe(true);
  });

  it('answers 401 with WWW-Authenticate: Bearer and says the key is missing', () => {
    const result = call(IngestController, 'accept', {});
    expect(result).toMatchObject({ status: 401, body: { title: 'API key required' } });
    expect(result.replyHeaders).toEqual({ 'www-authenticate': 'Bearer realm="cuewire"' });
  });

  it('answers 401 invalid_token for a malformed or an invalid key, without telling which ids exist', () => {
    expect(call(IngestController, 'accept', { 'x-api-key': 'nonsense' })).toMatchObject({ status: 401, body: { title: 'Malformed API key' }, replyHeaders: { 'www-authenticate': 'Bearer realm="cuewire", error="invalid_token"' } });
    const unknown = issueApiKey({ name: 'x', scopes: ['ingest'] }, Date.now()).key;
    const wrongSecret = `${ingest.key.slice(0, 21)}${unknown.slice(21)}`;
    expect(call(IngestController, 'accept', { authorization: `Bearer ${unknown}` }).body).toEqual(call(IngestController, 'accept', { authorization: `Bearer ${wrongSecret}` }).body);
    expect(call(IngestController, 'accept', { authorization: `Bearer ${unknown}` })).toMatchObject({ status: 401, body: { title: 'Invalid API key' } });
  });

  it('lets a key with the scope through', () => {
    expect(call(IngestController, 'accept', { authorization: `Bearer ${ingest.key}` }).allowed).toBe(true);
    expect(call(AdminController, 'list', { 'x-api-key': bootstrap }).allowed).toBe(true);
  });

  it('answers 403 naming the scope when a valid key lacks it', () => {
    const result = call(AdminController, 'list', { authorization: `Bearer ${ingest.key}` });
    expect(result).toMatchObject({ status: 403, body: { title: 'Insufficient scope', requiredScope: 'admin' } });
    expect((result.body as { detail: string }).detail).toMatch(/"admin" scope; this key has: ingest/);
    expect(result.replyHeaders['www-authenticate']).toBe('Bearer realm="cuewire", error="insufficient_scope", scope="admin"');
  });

  it('treats a route that declares no access as admin-only', () => {
    expect(call(UndecidedController, 'anything', {}).status).toBe(401);
    expect(call(UndecidedController, 'anything', { authorization: `Bearer ${ingest.key}` }).status).toBe(403);
    expect(call(UndecidedController, 'anything', { authorization: `Bearer ${bootstrap}` }).allowed).toBe(true);
  });
});
