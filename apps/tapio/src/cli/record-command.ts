import { parseDuration } from '@tapio/domain';
import { recordTo } from '@tapio/collector-kubeapi';
import { withClusterName } from '../config/collector-cluster.js';
import type { LoadedConfig } from '../config/load-config.js';
import { createLogger } from '../logging.js';
import { stringFlag, UsageError, type ParsedArgs } from './args.js';
import { nodeCollectorsFor } from './record-node-collectors.js';
import { loadConfigFromArgs } from './config-from-args.js';

/** `collectors.kubeapi` as `tapio record` runs it: the cluster named as `tapio run` names it. */
export function recordingKubeApiConfig(loaded: LoadedConfig): Parameters<typeof recordTo>[1]['config'] {
  const { enabled: _enabled, ...config } = (loaded.config.collectors['kubeapi'] ?? {}) as Record<string, unknown>;
  return withClusterName(config, loaded.config.cluster) as Parameters<typeof recordTo>[1]['config'];
}

/**
 * `tapio record -output FILE [--duration 10m]`: records what the Kubernetes API server
 * reports (starting state, then every change) as kubeapi RawEvent NDJSON, the format
 * `tapio analyze` and the replay collector read, together with the RawEvents of every other
 * collector the configuration names (kubelet, journal, CRI, etcd...). Uses `collectors.kubeapi`
 * of the configuration; stops on SIGINT / SIGTERM or once the duration has passed after the
 * starting state was written (a slow first list does not shorten the changes recorded).
 */
export async function recordCommand(args: ParsedArgs): Promise<number> {
  const output = stringFlag(args, 'output') ?? args.positionals[0];
  if (!output) throw new UsageError('record needs an output file: tapio record -output FILE [--duration 10m]');
  const durationText = stringFlag(args, 'duration');
  let durationMs: number | undefined;
  if (durationText !== undefined) {
    try {
      durationMs = parseDuration(durationText);
    } catch (error) {
      throw new UsageError(`-duration: ${(error as Error).message}`);
    }
  }
  const loaded = await loadConfigFromArgs(args);
  const logger = createLogger(loaded.config.log.level, loaded.config.log.format);
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const alsoCollectors = await nodeCollectorsFor(loaded, logger);
  const summary = await recordTo(output, {
    alsoCollectors,
    config: recordingKubeApiConfig(loaded),
    signal: abort.signal,
    ...(durationMs !== undefined ? { durationMs } : {}),
    logger,
  });
  process.stderr.write(`tapio: recorded ${summary.events} events to ${summary.file} (${summary.startedAt} .. ${summary.endedAt})\n`);
  return 0;
}
