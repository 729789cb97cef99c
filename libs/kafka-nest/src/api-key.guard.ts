import { ForbiddenException, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Counter } from 'prom-client';
import type { ApiKeyRejection, ApiKeyScope } from '@cuewire/api-keys';
import { routeAccessOf, type RouteAccess } from '@cuewire/platform';
import { ApiKeyCatalog } from './api-key.catalog.js';

const REALM = 'realm="cuewire"';

const rejections = new Counter({
  name: 'cuewire_api_key_rejections_total',
  help: 'Requests refused by the API-key guard, by reason (missing, malformed, invalid, expired, insufficient_scope)',
  labelNames: ['reason'],
});

const unauthorized: Record<ApiKeyRejection, { title: string; detail: string }> = {
  missing: { title: 'API key required', detail: 'send an API key as `Authorization: Bearer <key>` or `X-Api-Key: <key>`' },
  malformed: {
    title: 'Malformed API key',
    detail: 'the credentials are not an API key (cwk_<id>_<secret>) or the bootstrap key, use another scheme than Bearer, or the two headers disagree',
  },
  invalid: { title: 'Invalid API key', detail: 'the key is unknown, revoked or has a wrong secret' },
  expired: { title: 'Expired API key', detail: 'this secret was rotated out and its grace period is over; use the key returned by the rotation' },
};

/**
 * Every route needs an API key with the scope it declares (`@RequiresScope`), unless it is
 * `@Public()`; a route that declares neither is treated as admin-only. 401 (with
 * WWW-Authenticate) when the caller is not authenticated, 403 when the key lacks the scope.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(private readonly keys: ApiKeyCatalog) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const access: RouteAccess = routeAccessOf(context.getHandler(), context.getClass()) ?? { scope: 'admin' };
    if ('public' in access) return true;
    const http = context.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const result = this.keys.authenticate(http.getRequest<FastifyRequest>().headers);
    if (!result.ok) {
      rejections.inc({ reason: result.reason });
      const error = result.reason === 'missing' ? '' : ', error="invalid_token"';
      void reply.header('www-authenticate', `Bearer ${REALM}${error}`);
      throw new UnauthorizedException(unauthorized[result.reason]);
    }
    if (!result.principal.scopes.includes(access.scope)) {
      rejections.inc({ reason: 'insufficient_scope' });
      void reply.header('www-authenticate', `Bearer ${REALM}, error="insufficient_scope", scope="${access.scope}"`);
      throw new ForbiddenException(insufficientScope(access.scope, result.principal.scopes));
    }
    return true;
  }
}

function insufficientScope(required: ApiKeyScope, held: readonly ApiKeyScope[]) {
  return { title: 'Insufficient scope', detail: `this route needs an API key with the "${required}" scope; this key has: ${held.join(', ')}`, requiredScope: required };
}
