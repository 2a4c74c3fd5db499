// The journal collector's plugin entry (@tapio/collector-journal/plugin): the collector loads
// only when it is registered.
import { DeadLetterSink, definePlugin, Metrics } from '@tapio/domain';
import { JournalCollectorConfig } from './collector/journal-config.js';

/**
 * The systemd journal collector as a plugin: node service failures, restarts and OOM
 * kills, and the kernel messages that matter, read with journalctl from a saved cursor;
 * plus the transformer for source `systemd`.
 */
export const journalCollectorPlugin = definePlugin({
  id: 'journal',
  kind: 'collector',
  description: 'systemd journal: node service failures, restarts and OOM kills; kernel OOM, hung task, link and filesystem messages',
  needs: { deadLetters: DeadLetterSink, metrics: Metrics },
  configSchema: JournalCollectorConfig,
  transformers: async () => {
    const { JournalTransformer } = await import('./transform/journal-transformer.js');
    return [new JournalTransformer()];
  },
  register: async ({ deps, config, logger, baseDir }) => {
    const { JournalCollector } = await import('./collector/journal-collector.js');
    return { collectors: [new JournalCollector(config, { deadLetters: deps.deadLetters, logger, baseDir, metrics: deps.metrics })] };
  },
});
