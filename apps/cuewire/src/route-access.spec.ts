import 'reflect-metadata';
import { RequestMethod, type DynamicModule, type Type } from '@nestjs/common';
import { METHOD_METADATA, MODULE_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { ApiKeysModule } from '@cuewire/kafka-nest';
import { PlatformModule, routeAccessOf, type ServiceTarget } from '@cuewire/platform';
import { TARGETS } from './targets.js';

/**
 * Who may call each HTTP route. A route added without `@RequiresScope(…)` or `@Public()`, or
 * whose access changes, fails here until this table says so: access is decided on purpose.
 */
const EXPECTED: Record<string, string> = {
  'GET /health/live': 'public',
  'GET /health/ready': 'public',
  'GET /metrics': 'public',

  'POST /v1/events': 'ingest',
  'POST /v1/events/bulk': 'ingest',
  'PATCH /v1/customers/:customerId': 'ingest',

  'POST /v1/feedback/engagements': 'ingest',
  'POST /v1/feedback/sendgrid': 'public',
  'POST /v1/feedback/twilio/status': 'public',
  'POST /v1/feedback/standard-webhooks': 'public',
  'POST /v1/feedback/smartech': 'public',
  'GET /t/o/*': 'public',
  'GET /t/c/*': 'public',

  'GET /v1/deliveries': 'admin',
  'GET /v1/deliveries/summary': 'admin',
  'GET /v1/deliveries/:deliveryId': 'admin',
  'GET /v1/campaigns/:campaignId/figures': 'admin',
  'POST /v1/deliveries/:deliveryId/replay': 'admin',
  'POST /v1/webhooks/:webhookId/replay-failed': 'admin',
  'GET /v1/endpoints/:webhookId': 'admin',
  'POST /v1/endpoints/:webhookId/enable': 'admin',

  'POST /v1/webhooks': 'admin',
  'GET /v1/webhooks': 'admin',
  'GET /v1/webhooks/:id': 'admin',
  'PUT /v1/webhooks/:id': 'admin',
  'DELETE /v1/webhooks/:id': 'admin',
  'POST /v1/webhooks/:id/secrets/rotate': 'admin',
  'POST /v1/webhooks/:id/preview': 'admin',
  'POST /v1/webhooks/:id/test': 'admin',
  'GET /v1/webhook-presets': 'admin',
  'POST /v1/campaigns': 'admin',
  'GET /v1/campaigns': 'admin',
  'GET /v1/campaigns/:id': 'admin',
  'PUT /v1/campaigns/:id': 'admin',
  'POST /v1/campaigns/:id/trigger': 'admin',
  'DELETE /v1/campaigns/:id': 'admin',
  'POST /v1/segments': 'admin',
  'GET /v1/segments': 'admin',
  'GET /v1/segments/:id': 'admin',
  'GET /v1/segments/:id/size': 'admin',
  'PUT /v1/segments/:id': 'admin',
  'DELETE /v1/segments/:id': 'admin',
  'POST /v1/api-keys': 'admin',
  'GET /v1/api-keys': 'admin',
  'GET /v1/api-keys/:id': 'admin',
  'POST /v1/api-keys/:id/rotate': 'admin',
  'DELETE /v1/api-keys/:id': 'admin',

  'GET /console': 'public',
  'GET /console/*': 'public',
};

type ModuleRef = Type | DynamicModule;

/** Every module a module pulls in, itself first (static and dynamic imports). */
function moduleTree(root: ModuleRef, seen = new Set<unknown>()): ModuleRef[] {
  const type = 'module' in root ? root.module : root;
  if (seen.has(root)) return [];
  seen.add(root);
  const imports = [...((Reflect.getMetadata(MODULE_METADATA.IMPORTS, type) ?? []) as ModuleRef[]), ...('module' in root ? ((root.imports ?? []) as ModuleRef[]) : [])];
  return [root, ...imports.filter((m) => typeof m === 'function' || (typeof m === 'object' && m !== null && 'module' in m)).flatMap((m) => moduleTree(m, seen))];
}

function controllersOf(root: ModuleRef): Type[] {
  return moduleTree(root).flatMap((m) => [
    ...((Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, 'module' in m ? m.module : m) ?? []) as Type[]),
    ...('module' in m ? ((m.controllers ?? []) as Type[]) : []),
  ]);
}

function join(...parts: string[]): string {
  return `/${parts.flatMap((p) => p.split('/')).filter(Boolean).join('/')}`;
}

/** `METHOD /path` → `public` or the scope, for every route of the controllers; `undecided` where a route says neither. */
function routes(controllers: readonly Type[]): Record<string, string> {
  const table: Record<string, string> = {};
  for (const controller of controllers) {
    const base = Reflect.getMetadata(PATH_METADATA, controller) as string;
    for (const name of Object.getOwnPropertyNames(controller.prototype)) {
      const handler = (controller.prototype as Record<string, unknown>)[name];
      if (name === 'constructor' || typeof handler !== 'function' || Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
      const paths = [Reflect.getMetadata(PATH_METADATA, handler) as string | string[]].flat();
      const access = routeAccessOf(handler, controller);
      for (const path of paths) table[`${method} ${join(base, path)}`] = access === undefined ? 'undecided' : 'public' in access ? 'public' : access.scope;
    }
  }
  return table;
}

describe('access to HTTP routes', () => {
  const targets = Object.values(TARGETS);

  it('is decided, for every route of every service, exactly as listed', () => {
    const actual = routes([...controllersOf(PlatformModule), ...targets.flatMap((t) => controllersOf(t.module))]);
    expect(Object.entries(actual).filter(([, access]) => access === 'undecided')).toEqual([]);
    expect(actual).toEqual(EXPECTED);
  });

  it('is enforced: every service with a non-public route installs the API-key guard and reads CUEWIRE_ADMIN_KEY', () => {
    const guarded = (t: ServiceTarget) => moduleTree(t.module).includes(ApiKeysModule);
    const needsKeys = targets.filter((t) => Object.values(routes(controllersOf(t.module))).some((access) => access !== 'public'));
    expect(needsKeys.map((t) => t.name).sort()).toEqual(['control-plane', 'dispatcher', 'feedback-receiver', 'history', 'ingest']);
    for (const target of needsKeys) {
      expect({ target: target.name, guarded: guarded(target), env: 'CUEWIRE_ADMIN_KEY' in target.env.shape }).toEqual({ target: target.name, guarded: true, env: true });
    }
  });
});
