import { canonicalKind, CLUSTER_SCOPED_KINDS, knownKinds, parseDuration } from '@tapio/domain';
import { DEFAULT_SERVER, SERVER_ENV, TapioClient, TOKEN_ENV } from '../client/tapio-client.js';
import { CliUsageError, stringFlag, type CliArgs, type CliIo } from './command-io.js';

export interface EntityArg {
  kind: string;
  namespace: string | null;
  name: string;
}

/** The client for --server (or TAPIO_SERVER, or the default loopback address) with TAPIO_TOKEN. */
export function clientFor(args: CliArgs, io: CliIo): TapioClient {
  const server = stringFlag(args, 'server') ?? io.env[SERVER_ENV] ?? DEFAULT_SERVER;
  const token = io.env[TOKEN_ENV]?.trim() || undefined;
  try {
    return new TapioClient(server, token);
  } catch (error) {
    throw new CliUsageError((error as Error).message);
  }
}

/**
 * `pod shop/checkout-5rkwm`, `pod checkout-5rkwm --namespace shop`, `pod/checkout-5rkwm`,
 * `node worker-1`: a kind the way kubectl spells it, and a namespaced name. A namespaced
 * kind without a namespace means "default", as with kubectl.
 */
export function entityArg(args: CliArgs, positionals: readonly string[], usage: string): EntityArg {
  let [kindText, ref] = positionals;
  if (kindText && ref === undefined && kindText.includes('/')) [kindText, ref] = [kindText.slice(0, kindText.indexOf('/')), kindText.slice(kindText.indexOf('/') + 1)];
  if (!kindText || !ref) throw new CliUsageError(`usage: ${usage}`);
  if (positionals.length > 2) throw new CliUsageError(`unexpected argument "${positionals[2]}"; usage: ${usage}`);
  const kind = canonicalKind(kindText);
  if (!kind) throw new CliUsageError(`unknown kind "${kindText}" (known: ${knownKinds().map((item) => item.toLowerCase()).join(', ')}; kubectl short names work too)`);
  const flagNamespace = stringFlag(args, 'namespace');
  const slash = ref.indexOf('/');
  const name = slash === -1 ? ref : ref.slice(slash + 1);
  const namespace = slash === -1 ? flagNamespace : ref.slice(0, slash);
  if (!name || name.includes('/')) throw new CliUsageError(`"${ref}" is not NAMESPACE/NAME or NAME`);
  if (CLUSTER_SCOPED_KINDS.has(kind)) {
    if (namespace !== undefined) throw new CliUsageError(`${kind} is cluster-scoped: give just its name (tapio ${kindText} ${name})`);
    return { kind, namespace: null, name };
  }
  return { kind, namespace: namespace ?? 'default', name };
}

export function entityPath(entity: EntityArg): string {
  const parts = [entity.kind.toLowerCase(), ...(entity.namespace ? [entity.namespace] : []), entity.name];
  return parts.map(encodeURIComponent).join('/');
}

/** --since / --until: an RFC 3339 time, or a duration back from now ("30m", "2h", "1d"). */
export function timeFlag(args: CliArgs, name: 'since' | 'until', now: Date): string | undefined {
  const value = stringFlag(args, name);
  if (value === undefined) return undefined;
  if (/^\d{4}-\d{2}-\d{2}T/.test(value)) {
    if (Number.isNaN(Date.parse(value))) throw new CliUsageError(`--${name} "${value}" is not a valid time`);
    return new Date(Date.parse(value)).toISOString();
  }
  try {
    return new Date(now.getTime() - parseDuration(value)).toISOString();
  } catch {
    throw new CliUsageError(`--${name} "${value}" is neither a time (2026-03-02T10:00:00Z) nor a duration back from now (30m, 2h, 1d)`);
  }
}
