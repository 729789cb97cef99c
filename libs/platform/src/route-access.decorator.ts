import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { ApiKeyScope } from '@cuewire/api-keys';

/**
 * Who may call a route: anyone (`public`), or a caller whose API key has `scope`. Every
 * controller or route states one (a launcher spec enumerates the routes and fails on any
 * that does not); the API-key guard treats a route without one as admin-only.
 */
export type RouteAccess = { readonly public: true } | { readonly scope: ApiKeyScope };

export const ROUTE_ACCESS = 'cuewire:route-access';

/** OpenAPI security scheme names (registered by the platform's DocumentBuilder). */
export const BEARER_SECURITY = 'api-key-bearer';
export const API_KEY_HEADER_SECURITY = 'api-key-header';

/** The route (or every route of the controller) needs an API key with this scope. */
export const RequiresScope = (scope: ApiKeyScope) =>
  applyDecorators(
    SetMetadata(ROUTE_ACCESS, { scope } satisfies RouteAccess),
    ApiBearerAuth(BEARER_SECURITY),
    ApiSecurity(API_KEY_HEADER_SECURITY),
    ApiUnauthorizedResponse({ description: 'No API key, or one that is malformed, invalid (unknown, revoked, wrong secret) or expired (a rotated-out secret past its grace); WWW-Authenticate: Bearer' }),
    ApiForbiddenResponse({ description: `A valid API key without the "${scope}" scope` }),
  );

/** The route (or controller) takes no API key: health, metrics, tracking links, provider callbacks (signed their own way). */
export const Public = () => SetMetadata(ROUTE_ACCESS, { public: true } satisfies RouteAccess);

/** The access a route declares (the method's own, else its controller's), or undefined when it declares none. */
export function routeAccessOf(handler: object, controller: object): RouteAccess | undefined {
  return (Reflect.getMetadata(ROUTE_ACCESS, handler) ?? Reflect.getMetadata(ROUTE_ACCESS, controller)) as RouteAccess | undefined;
}
