import { entityKey, parseEntityKey, type K8sObjectFacts } from '@tapio/domain';

/** The DNS suffix of Service names inside a cluster (`name.namespace.svc.cluster.local`). */
const SVC = 'svc';

/**
 * Who answers at an address: Services by ClusterIP and by name, pods by IP. Kept current
 * from the objects' facts as they change, so a message naming `10.100.7.21:8080` or
 * `cache.sessions.svc.cluster.local` resolves to the Service it means.
 */
export class AddressBook {
  private readonly byIp = new Map<string, string>();
  private readonly ipOf = new Map<string, string[]>();

  /** Learns (or forgets, when deleted) the addresses of an object. */
  observe(key: string, facts: K8sObjectFacts, deleted: boolean): void {
    for (const ip of this.ipOf.get(key) ?? []) if (this.byIp.get(ip) === key) this.byIp.delete(ip);
    this.ipOf.delete(key);
    if (deleted) return;
    const ips = facts.kind === 'Service' ? [facts.clusterIP] : facts.kind === 'Pod' ? [facts.podIP, ...(facts.podIPs ?? [])] : [];
    const known = [...new Set(ips.filter((ip): ip is string => !!ip))];
    if (known.length === 0) return;
    this.ipOf.set(key, known);
    for (const ip of known) this.byIp.set(ip, key);
  }

  /** The Service or Pod at an IP address. */
  atIp(ip: string): string | undefined {
    return this.byIp.get(ip);
  }

  /**
   * The Service a DNS name means for a caller in `namespace`: `name` (the caller's own
   * namespace), `name.ns`, `name.ns.svc`, `name.ns.svc.<cluster domain>`, and a pod's name
   * under its headless Service (`member-0.name.ns.svc…`: a StatefulSet's peers). Undefined for a
   * name outside the cluster or a Service the topology does not know.
   */
  serviceNamed(host: string, namespace: string | undefined, cluster: string, exists: (key: string) => boolean): string | undefined {
    const parts = host.split('.');
    const svcAt = parts.indexOf(SVC);
    let name: string | undefined;
    let inNamespace: string | undefined;
    if (svcAt === 2) [name, inNamespace] = parts;
    else if (svcAt === 3) [, name, inNamespace] = parts;
    else if (parts.length === 1) [name, inNamespace] = [parts[0], namespace];
    else if (parts.length === 2) [name, inNamespace] = parts;
    if (!name || !inNamespace) return undefined;
    const key = entityKey({ kind: 'Service', name, namespace: inNamespace, cluster });
    return exists(key) ? key : undefined;
  }
}

/** The cluster a key belongs to (its first segment). */
export function clusterOf(key: string): string {
  return parseEntityKey(key)?.cluster ?? '';
}
