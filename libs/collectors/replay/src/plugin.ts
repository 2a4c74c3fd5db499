import { resolve } from 'node:path';
import { z } from 'zod';
import { DEFAULT_INPUT_LIMITS, DeadLetterSink, Logger, definePlugin } from '@tapio/domain';
import { ReplayCollector } from './replay-collector.js';

export const ReplayConfig = z
  .object({
    /** NDJSON recording to replay; "-" for standard input. */
    file: z.string().min(1),
    /** 0 replays as fast as possible; 1 at recorded pace; N times faster. */
    speed: z.number().min(0).default(0),
    /** Longer lines are refused unread (the pipeline's limits.maxLineBytes applies to what it parses itself). */
    maxLineBytes: z.number().int().min(1024).default(4 * 1024 * 1024),
  })
  .strict();
export type ReplayConfig = z.infer<typeof ReplayConfig>;

/** Replays a recorded incident (RawEvent NDJSON) through Tapio. */
export const replayCollectorPlugin = definePlugin({
  id: 'replay',
  kind: 'collector',
  description: 'Replays a RawEvent NDJSON recording from a file or standard input',
  needs: { deadLetters: DeadLetterSink, logger: Logger },
  configSchema: ReplayConfig,
  register: ({ deps, config, baseDir }) => ({
    collectors: [
      new ReplayCollector({
        file: config.file === '-' ? '-' : resolve(baseDir, config.file),
        speed: config.speed,
        deadLetters: deps.deadLetters,
        logger: deps.logger,
        // Nesting beyond any configurable limit is refused here, before the bus serialises
        // the event; the pipeline applies the configured limits.maxDepth.
        limits: { ...DEFAULT_INPUT_LIMITS, maxDepth: 1000, maxLineBytes: config.maxLineBytes },
      }),
    ],
  }),
});
