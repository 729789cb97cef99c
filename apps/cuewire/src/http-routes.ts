import 'reflect-metadata';
import { RequestMethod, type DynamicModule, type Type } from '@nestjs/common';
import { METHOD_METADATA, MODULE_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { routeAccessOf } from '@cuewire/platform';

// The HTTP routes of the services, read from the controllers' metadata without starting
// anything: what the route-access and OpenAPI contract specs compare against.

export type ModuleRef = Type | DynamicModule;

/** Every module a module pulls in, itself first (static and dynamic imports). */
export function moduleTree(root: ModuleRef, seen = new Set<unknown>()): ModuleRef[] {
  const type = 'module' in root ? root.module : root;
  if (seen.has(root)) return [];
  seen.add(root);
  const imports = [...((Reflect.getMetadata(MODULE_METADATA.IMPORTS, type) ?? []) as ModuleRef[]), ...('module' in root ? ((root.imports ?? []) as ModuleRef[]) : [])];
  return [root, ...imports.filter((m) => typeof m === 'function' || (typeof m === 'object' && m !== null && 'module' in m)).flatMap((m) => moduleTree(m, seen))];
}

export function controllersOf(root: ModuleRef): Type[] {
  return moduleTree(root).flatMap((m) => [
    ...((Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, 'module' in m ? m.module : m) ?? []) as Type[]),
    ...('module' in m ? ((m.controllers ?? []) as Type[]) : []),
  ]);
}

function join(...parts: string[]): string {
  return `/${parts.flatMap((p) => p.split('/')).filter(Boolean).join('/')}`;
}

/** `METHOD /path` → `public` or the scope, for every route of the controllers; `undecided` where a route says neither. */
export function routes(controllers: readonly Type[]): Record<string, string> {
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
