import { RequestMethod, type INestApplication } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { policyOf, type RoutePolicy } from './auth.guard';

export interface RouteWithPolicy {
  method: string;
  /** The route's path as declared, e.g. /v1/providers/:providerId/referrals. */
  path: string;
  /** Controller and handler, to name the place to fix. */
  handler: string;
  /** Null: the route declares neither @Roles nor @Public (the guard refuses it). */
  policy: RoutePolicy | null;
}

/**
 * Every HTTP route of a running app with the policy it declares: the roles-per-route table
 * that tests enumerate (each route against each role), read from the same metadata the guard reads.
 * Needs AuthModule (it brings DiscoveryModule) in the app.
 */
export function routePolicies(app: INestApplication): RouteWithPolicy[] {
  const discovery = app.get(DiscoveryService);
  const reflector = app.get(Reflector);
  const scanner = new MetadataScanner();
  const routes: RouteWithPolicy[] = [];
  for (const wrapper of discovery.getControllers()) {
    const controller = wrapper.metatype as Function | undefined;
    const prototype = wrapper.instance ? Object.getPrototypeOf(wrapper.instance) : null;
    if (!controller || !prototype) continue;
    const base = pathsOf(Reflect.getMetadata(PATH_METADATA, controller));
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[name] as Function;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (method === undefined) continue; // an event handler, not an HTTP route
      for (const prefix of base) {
        for (const path of pathsOf(Reflect.getMetadata(PATH_METADATA, handler))) {
          routes.push({ method: RequestMethod[method], path: joinPath(prefix, path), handler: `${controller.name}.${name}`, policy: policyOf(reflector, handler, controller) });
        }
      }
    }
  }
  return routes.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}

const pathsOf = (value: string | string[] | undefined): string[] => (Array.isArray(value) ? value : [value ?? '']);
const joinPath = (...parts: string[]) => '/' + parts.map((part) => part.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/');
