import {
  GraphStoreOfParts,
  TopologyIndex,
  type ComponentHealth,
  type Feedback,
} from '@tapio/domain';
import type { RetentionPolicy } from './event-log.js';
import { MemoryGraphQuestions } from './memory-graph-questions.js';
import { MemoryGraphReader } from './memory-graph-reader.js';
import { MemoryGraphWriter } from './memory-graph-writer.js';
import { MemoryGraphData } from './parts/memory-graph-data.js';
import { SerialSaver } from './serial-saver.js';
import { loadSnapshot, saveSnapshot, type SnapshotContent } from './snapshot.js';

export interface MemoryGraphStoreOptions {
  retention?: Partial<RetentionPolicy>;
  maxInsights?: number;
  /** When set, the graph is saved here on stop (and every `snapshotIntervalMs`) and loaded on start. */
  snapshotFile?: string;
  snapshotIntervalMs?: number;
  /**
   * The topology index to keep, when the correlation engine of the same process shares it
   * (`-mode all`): the engine applies each change first, re-applying it here changes
   * nothing, and the topology is held once. A fresh one otherwise.
   */
  topology?: TopologyIndex;
}

/**
 * The embedded knowledge graph: topology, events, correlations, insights, patterns,
 * predictions and feedback, all in memory, bounded by retention, optionally
 * snapshotted to a file. The reference implementation of the graph ports: the Neo4j
 * store must give the same answers (contract suite). This class starts, stops and
 * snapshots; the writer, reader and questions do the work.
 */
export class MemoryGraphStore extends GraphStoreOfParts {
  readonly writer: MemoryGraphWriter;
  readonly reader: MemoryGraphReader;
  readonly questions: MemoryGraphQuestions;
  private readonly data: MemoryGraphData;
  private snapshotTimer: NodeJS.Timeout | undefined;
  private status: ComponentHealth = { status: 'stopped' };
  private readonly saver = new SerialSaver(() => this.saveNow());

  constructor(private readonly options: MemoryGraphStoreOptions = {}) {
    super();
    const retention = { maxEvents: options.retention?.maxEvents ?? 1_000_000, maxAgeMs: options.retention?.maxAgeMs ?? 7 * 24 * 3_600_000 };
    this.data = new MemoryGraphData(options.topology ?? new TopologyIndex(), retention, options.maxInsights ?? 50_000);
    this.writer = new MemoryGraphWriter(this.data);
    this.reader = new MemoryGraphReader(this.data);
    this.questions = new MemoryGraphQuestions(this.data);
  }

  async start(): Promise<void> {
    if (this.options.snapshotFile) {
      const content = await loadSnapshot(this.options.snapshotFile);
      if (content) await this.restore(content);
      if (this.options.snapshotIntervalMs) {
        // A failed interval save is reported in health(); the next one tries again.
        this.snapshotTimer = setInterval(() => void this.saver.save().catch(() => undefined), this.options.snapshotIntervalMs);
        this.snapshotTimer.unref();
      }
    }
    this.status = { status: 'ok' };
  }

  async stop(): Promise<void> {
    if (this.snapshotTimer) clearInterval(this.snapshotTimer);
    this.snapshotTimer = undefined;
    await this.saver.save();
    this.status = { status: 'stopped' };
  }

  async saveSnapshot(): Promise<boolean> {
    if (!this.options.snapshotFile) return false;
    await this.saver.save();
    if (this.saver.lastError) throw new Error(`cannot save the graph snapshot: ${this.saver.lastError}`);
    return true;
  }

  health(): ComponentHealth {
    if (this.status.status !== 'ok') return this.status;
    const details = { events: this.data.events.size, resources: this.data.topology.size };
    if (this.saver.lastError) return { status: 'degraded', reason: `cannot save the graph snapshot: ${this.saver.lastError}`, details };
    return { status: 'ok', details };
  }

  // ---- snapshot ----------------------------------------------------------
  private async saveNow(): Promise<void> {
    if (!this.options.snapshotFile) return;
    const feedback: Feedback[] = [];
    for (const byId of this.data.feedback.values()) feedback.push(...byId.values());
    await saveSnapshot(this.options.snapshotFile, {
      topology: this.data.topology.toJSON(),
      events: this.data.events.log.all(),
      correlations: [...this.data.correlations.all()],
      insights: this.data.insights.values(),
      predictions: [...this.data.predictions.values()],
      feedback,
      patterns: [...this.data.patterns.values()],
    });
  }

  private async restore(content: SnapshotContent): Promise<void> {
    this.data.topology.load(content.topology);
    // Only the nodes the topology kept (a snapshot's deleted nodes beyond its bound are forgotten on load).
    for (const node of content.topology.nodes) if (this.data.topology.has(node.key)) this.data.names.index(node.key, node.ref);
    await this.writer.write({ events: content.events, correlations: content.correlations, insights: content.insights, predictions: content.predictions });
    await this.writer.upsertPatterns(content.patterns);
    for (const feedback of content.feedback) await this.writer.writeFeedback(feedback);
  }
}
