import { arr, num, obj, str, type Json } from './k8s-object.js';

/** One way in through an Ingress: a host and path (or the default backend) and the Service port it reaches. */
export interface IngressRoute {
  /** Undefined: any host. */
  host?: string;
  /** Undefined for the default backend. */
  path?: string;
  /** True for spec.defaultBackend (spec.backend in networking.k8s.io/v1beta1). */
  fallback?: true;
  service: string;
  /** The backend's port: a number (as text) or a Service port name; undefined when not given. */
  port?: string;
}

/** What an Ingress routes: its backends and the Secrets its TLS sections name. Plain JSON (durable). */
export interface IngressRoutes {
  routes: IngressRoute[];
  tls: string[];
}

/** The Service port a backend names: `service.port.number|name` (v1) or `servicePort` (v1beta1). */
function backendOf(value: unknown): { service: string; port?: string } | undefined {
  const backend = obj(value);
  const service = obj(backend['service']);
  const name = str(service['name']) ?? str(backend['serviceName']);
  if (!name) return undefined;
  const port = obj(service['port']);
  const given = num(port['number']) ?? str(port['name']) ?? backend['servicePort'];
  return { service: name, ...(typeof given === 'number' || typeof given === 'string' ? { port: String(given) } : {}) };
}

/** An Ingress's routes, in spec order (a backend naming a resource instead of a Service is not a route to a Service). */
export function ingressRoutes(object: Json): IngressRoutes {
  const spec = obj(object['spec']);
  const routes: IngressRoute[] = [];
  for (const rule of arr(spec['rules'])) {
    const host = str(rule['host']);
    for (const path of arr(obj(rule['http'])['paths'])) {
      const backend = backendOf(path['backend']);
      if (backend) routes.push({ ...(host ? { host } : {}), path: str(path['path']) ?? '/', ...backend });
    }
  }
  const fallback = backendOf(spec['defaultBackend'] ?? spec['backend']);
  if (fallback) routes.push({ fallback: true, ...fallback });
  const tls = [...new Set(arr(spec['tls']).map((item) => str(item['secretName'])).filter((name): name is string => name !== undefined))].sort();
  return { routes, tls };
}

/** How a user would name the route: `shop.example.com/cart`; a path under any host starts with `*`; `the default backend`. */
export function routeName(route: IngressRoute): string {
  if (route.fallback) return 'the default backend';
  return `${route.host ?? '*'}${route.path ?? '/'}`;
}

/** The routes as a flat map for the semantic diff of an Ingress edit (`spec.route.<host/path>` → `service:port`). */
export function ingressDigest(object: Json): Record<string, string> {
  const { routes, tls } = ingressRoutes(object);
  const digest: Record<string, string> = {};
  for (const route of routes) digest[`route.${routeName(route)}`] = `${route.service}:${route.port ?? ''}`;
  for (const secret of tls) digest[`tls.${secret}`] = 'secretName';
  return digest;
}

/** A Service's ports as an Ingress backend may name them: by number or by name. Plain JSON (durable). */
export interface ServicePorts {
  numbers: number[];
  names: string[];
}

export function servicePorts(object: Json): ServicePorts {
  const ports = arr(obj(object['spec'])['ports']);
  return {
    numbers: ports.map((port) => num(port['port'])).filter((port): port is number => port !== undefined),
    names: ports.map((port) => str(port['name'])).filter((name): name is string => name !== undefined),
  };
}

/** True when the Service has the port the route names (a route naming none takes the Service's only port). */
export function hasPort(ports: ServicePorts, port: string | undefined): boolean {
  if (port === undefined) return ports.numbers.length > 0;
  return /^\d+$/.test(port) ? ports.numbers.includes(Number(port)) : ports.names.includes(port);
}
