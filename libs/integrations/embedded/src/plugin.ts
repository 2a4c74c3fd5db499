// The embedded adapters' plugin entry (@tapio/embedded/plugin): the in-process bus and
// the memory graph as plugins of kind bus and graph, chosen by `bus.type: embedded` and
// `graph.type: memory` in tapio.yaml.
import { resolve } from 'node:path';
import { DeadLetterSink, definePlugin, Duration, EventBus, GRAPH_STORE_PORTS, graphStoreServices, LiveTopology, Logger, parseDuration, StateStore, TopologyIndex, WriteAheadLog } from '@tapio/domain';
import { z } from 'zod';
import { InProcessBus } from './bus/in-process-bus.js';

export { DEFAULT_DEDUPE_WINDOW } from './bus/in-process-bus.js';
import { MemoryGraphStore } from './graph/memory-graph-store.js';
import { FileWriteAheadLog } from './wal/file-write-ahead-log.js';

export const EmbeddedBusConfig = z
  .object({
    queueCapacity: z.number().int().min(1).default(10_000),
    maxDeliver: z.number().int().min(1).default(3),
    /** How long a message id is remembered to drop a second publish of it (as the NATS streams' `duplicateWindow`). */
    duplicateWindow: Duration.default('2m'),
    /**
     * Write-ahead log: every accepted RawEvent is written here before the collector's
     * hand-over returns, so a kill -9 loses nothing accepted (docs/reliability.md). Needs
     * graph.memory.snapshotFile: each checkpoint saves the graph, then empties the log.
     */
    wal: z
      .object({
        file: z.string().min(1),
        checkpointInterval: Duration.default('1m'),
        /** fdatasync every batch: also survives a machine crash (slower). */
        fsync: z.boolean().default(false),
      })
      .strict()
      .optional(),
  })
  .strict();
export type EmbeddedBusConfig = z.infer<typeof EmbeddedBusConfig>;

export const MemoryGraphConfig = z
  .object({
    maxEvents: z.number().int().min(1).default(1_000_000),
    maxAge: Duration.default('7d'),
    maxInsights: z.number().int().min(1).default(50_000),
    /** Topology nodes of deleted objects kept (events about them still resolve); the oldest deletion goes first beyond it. */
    maxDeletedResources: z.number().int().min(1).default(50_000),
    /** File the graph is saved to on shutdown (and periodically) and restored from on start. */
    snapshotFile: z.string().min(1).optional(),
    snapshotInterval: Duration.optional(),
  })
  .strict();
export type MemoryGraphConfig = z.infer<typeof MemoryGraphConfig>;

/** The in-process bus: stages of one process, bounded queues, redelivery on failure. */
export const embeddedBusPlugin = definePlugin({
  id: 'embedded',
  kind: 'bus',
  description: 'In-process event bus: bounded queues between the stages of one process',
  needs: { deadLetters: DeadLetterSink, logger: Logger },
  provides: [EventBus, WriteAheadLog, StateStore],
  configSchema: EmbeddedBusConfig,
  register: ({ deps, config, baseDir }) => {
    const wal = config.wal
      ? new FileWriteAheadLog({ file: resolve(baseDir, config.wal.file), checkpointIntervalMs: parseDuration(config.wal.checkpointInterval), fsync: config.wal.fsync })
      : undefined;
    return {
      provides: [
        {
          token: EventBus,
          value: new InProcessBus({ queueCapacity: config.queueCapacity, maxDeliver: config.maxDeliver, duplicateWindowMs: parseDuration(config.duplicateWindow), deadLetters: deps.deadLetters, logger: deps.logger.child({ component: 'bus' }) }),
        },
        ...(wal
          ? [
              { token: WriteAheadLog, value: wal },
              { token: StateStore, value: wal.state },
            ]
          : []),
      ],
    };
  },
});

/**
 * The memory graph. Its topology index is offered as the LiveTopology, which the
 * correlation engine of the same process keeps current instead of holding a copy.
 */
export const memoryGraphPlugin = definePlugin({
  id: 'memory',
  kind: 'graph',
  description: 'Embedded knowledge graph in memory, bounded by retention, optionally snapshotted to a file',
  needs: {},
  provides: [...GRAPH_STORE_PORTS, LiveTopology],
  configSchema: MemoryGraphConfig,
  register: ({ config, baseDir }) => {
    const topology = new TopologyIndex(config.maxDeletedResources);
    const graph = new MemoryGraphStore({
      topology,
      retention: { maxEvents: config.maxEvents, maxAgeMs: parseDuration(config.maxAge) },
      maxInsights: config.maxInsights,
      ...(config.snapshotFile ? { snapshotFile: resolve(baseDir, config.snapshotFile) } : {}),
      ...(config.snapshotInterval ? { snapshotIntervalMs: parseDuration(config.snapshotInterval) } : {}),
    });
    return {
      provides: [...graphStoreServices(graph), { token: LiveTopology, value: topology }],
    };
  },
});

// The dead-letter store every composition provides (the Tapio app reads it from this light
// entry, so it never loads the package index and prom-client with it).
export { DeadLetterStore } from './dead-letter/dead-letter-store.js';
