import { resolve } from 'node:path';
import { z } from 'zod';
import { DeadLetterSink, Logger, definePlugin } from '@tapio/domain';
import { ReplayCollector } from './replay-collector.js';

export const ReplayConfig = z
  .object({
    /** NDJSON recording to replay; "-" for standard input. */
    file: z.string().min(1),
    /** 0 replays as fast as possible; 1 at recorded pace; N times faster. */
    speed: z.number().min(0).default(0),
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
      }),
    ],
  }),
});
