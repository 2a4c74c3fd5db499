import type { PluginDescriptor } from '@tapio/domain';

/**
 * Orders plugins so each registers after the plugins that provide what it needs
 * (declared in `provides` and `needs`), keeping the given order otherwise. Plugins in a
 * cycle of needs come last, in the given order: what they need from each other reaches
 * them through a late-bound stand-in.
 */
export function orderByNeeds<T extends { descriptor: PluginDescriptor }>(entries: readonly T[]): T[] {
  const providers = new Map<symbol, T[]>();
  for (const entry of entries) for (const token of entry.descriptor.provides ?? []) providers.set(token, [...(providers.get(token) ?? []), entry]);
  const waitsFor = new Map<T, Set<T>>();
  for (const entry of entries) {
    const before = new Set<T>();
    for (const token of Object.values(entry.descriptor.needs)) for (const provider of providers.get(token) ?? []) if (provider !== entry) before.add(provider);
    waitsFor.set(entry, before);
  }
  const ordered: T[] = [];
  const placed = new Set<T>();
  for (let progress = true; progress; ) {
    progress = false;
    for (const entry of entries) {
      if (placed.has(entry) || [...(waitsFor.get(entry) ?? [])].some((other) => !placed.has(other))) continue;
      ordered.push(entry);
      placed.add(entry);
      progress = true;
      break;
    }
  }
  return [...ordered, ...entries.filter((entry) => !placed.has(entry))];
}
