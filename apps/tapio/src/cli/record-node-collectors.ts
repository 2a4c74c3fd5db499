import { DeadLetterSink, Logger, NO_OP_PORTS, type Collector, type Token } from '@tapio/domain';
import type { LoadedConfig } from '../config/load-config.js';
import { BUILTIN_PLUGINS } from '../plugins/builtin-plugins.js';
import { selectPlugins } from '../plugins/select-plugins.js';

/**
 * The collectors besides kubeapi that tapio.yaml configures (the node agent's: kubelet,
 * journal, CRI, etcd, kernel, DNS), built from their plugins for `tapio record`, so that a
 * recording holds what the node saw, not only the API server. Their dead letters are logged
 * (a recording has no store for them); ports other than the logger get their no-op.
 */
export async function nodeCollectorsFor(loaded: LoadedConfig, logger: Logger): Promise<Collector[]> {
  const selection = selectPlugins(
    BUILTIN_PLUGINS.map((descriptor) => ({ descriptor, origin: 'built-in' })),
    loaded,
  );
  const deadLetters: DeadLetterSink = {
    put: (entry) => logger.warn({ stage: entry.stage, source: entry.source, reason: entry.reason }, 'dead letter while recording'),
    count: () => 0,
    recent: () => [],
  };
  const collectors: Collector[] = [];
  for (const entry of selection.selected) {
    const { descriptor } = entry.candidate;
    if (descriptor.kind !== 'collector' || descriptor.id === 'kubeapi' || descriptor.id === 'replay' || entry.disabled) continue;
    const deps: Record<string, unknown> = {};
    for (const [name, token] of Object.entries(descriptor.needs) as Array<[string, Token<unknown>]>) {
      if (token === Logger) deps[name] = logger.child({ plugin: descriptor.id });
      else if (token === DeadLetterSink) deps[name] = deadLetters;
      else if (NO_OP_PORTS.has(token)) deps[name] = NO_OP_PORTS.get(token);
      else throw new Error(`collector "${descriptor.id}" needs "${name}", which tapio record does not provide`);
    }
    const contribution = await descriptor.register({ deps, config: entry.config, logger: logger.child({ plugin: descriptor.id }), baseDir: loaded.baseDir });
    collectors.push(...(contribution.collectors ?? []));
  }
  return collectors;
}
