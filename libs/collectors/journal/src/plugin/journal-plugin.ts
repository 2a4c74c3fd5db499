import { DeadLetterSink, definePlugin } from '@tapio/domain';
import { JournalCollector } from '../collector/journal-collector.js';
import { JournalCollectorConfig } from '../collector/journal-config.js';
import { JournalTransformer } from '../transform/journal-transformer.js';

/**
 * The systemd journal collector as a plugin: node service failures, restarts and OOM
 * kills, and the kernel messages that matter, read with journalctl from a saved cursor;
 * plus the transformer for source `systemd`.
 */
export const journalCollectorPlugin = definePlugin({
  id: 'journal',
  kind: 'collector',
  description: 'systemd journal: node service failures, restarts and OOM kills; kernel OOM, hung task, link and filesystem messages',
  needs: { deadLetters: DeadLetterSink },
  configSchema: JournalCollectorConfig,
  register: ({ deps, config, logger, baseDir }) => ({
    collectors: [new JournalCollector(config, { deadLetters: deps.deadLetters, logger, baseDir })],
    transformers: [new JournalTransformer()],
  }),
});
