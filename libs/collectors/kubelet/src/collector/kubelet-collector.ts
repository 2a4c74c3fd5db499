import { hostname } from 'node:os';
import { PollingLoop, silentLogger, type Collector, type ComponentHealth, type DeadLetterSink, type Logger, type Metrics, type RawEventSink } from '@tapio/plugin-api';
import { KubeletAnswerError, KubeletHttp } from '../client/kubelet-http.js';
import { KubeletPodList, KubeletSummary, parseAnswer } from './kubelet-answers.js';
import { KubeletConfig, type KubeletConfigInput } from './kubelet-config.js';
import { KUBELET_API_SOURCE, type KubeletRawType } from './kubelet-raw-data.js';
import { MemoryTrends } from './memory-trend.js';
import { NodePressure } from './node-pressure.js';
import { ReportPolicy } from './report-policy.js';
import { containerShares, podShares, usageSamples } from './usage-samples.js';

export interface KubeletCollectorDeps {
  logger?: Logger;
  deadLetters?: DeadLetterSink;
  /** Where the poll circuit's state goes (tapio_circuit_state{circuit="collector:kubelet"}). */
  metrics?: Metrics;
}

/**
 * The kubelet collector: polls its node's kubelet (`/pods` for the limits, `/stats/summary`
 * for the usage) on the secure port as a real agent, and reports containers' memory and CPU
 * against their limits, pods' ephemeral storage and processes, working sets growing toward
 * their limit, and the node's eviction signals crossing their thresholds. Source `kubelet_api`.
 */
export class KubeletCollector implements Collector {
  readonly id = 'kubelet';
  readonly source = KUBELET_API_SOURCE;
  readonly config: KubeletConfig;
  private readonly logger: Logger;
  private readonly client: KubeletHttp;
  private readonly policy: ReportPolicy;
  private readonly trends: MemoryTrends;
  private readonly pressure: NodePressure;
  private readonly sampleTimes = new Map<string, string>();
  private readonly loop: PollingLoop;
  private sink: RawEventSink | undefined;
  private failure: string | undefined;
  readonly stats = { polls: 0, emitted: 0, deadLettered: 0 };

  constructor(
    config: KubeletConfigInput = {},
    private readonly deps: KubeletCollectorDeps = {},
  ) {
    this.config = KubeletConfig.parse(config);
    this.logger = (deps.logger ?? silentLogger).child({ collector: this.id });
    this.client = new KubeletHttp(this.endpoint, this.config);
    this.policy = new ReportPolicy({ reportPercent: this.config.reportPercent, changePoints: this.config.changePoints, everyMs: this.config.reportEveryMs });
    this.trends = new MemoryTrends(this.config.trend);
    this.pressure = new NodePressure(this.config.pressure);
    this.loop = new PollingLoop({
      intervalMs: this.config.intervalMs,
      poll: () => this.poll().then(() => this.failure),
      onError: (error) => this.logger.error({ err: error }, 'kubelet poll failed'),
      circuit: { name: 'collector:kubelet', target: `the kubelet at ${this.endpoint}`, ...this.config.circuit, metrics: deps.metrics },
    });
  }

  get endpoint(): string {
    return this.config.endpoint ?? `https://${process.env['HOST_IP'] ?? '127.0.0.1'}:10250`;
  }

  get nodeName(): string {
    return this.config.nodeName ?? process.env['NODE_NAME'] ?? hostname();
  }

  /** Resolves after the first poll (health then says whether the kubelet answered). */
  async start(sink: RawEventSink): Promise<void> {
    if (this.loop.running) return;
    this.sink = sink;
    await this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  health(): ComponentHealth {
    return this.loop.health(this.failure === undefined ? undefined : `kubelet of node ${this.nodeName} at ${this.endpoint}: ${this.failure}`, { endpoint: this.endpoint, ...this.stats });
  }

  private async poll(): Promise<void> {
    let podsAnswer: unknown;
    let summaryAnswer: unknown;
    try {
      [podsAnswer, summaryAnswer] = await Promise.all([this.client.getJson('/pods'), this.client.getJson('/stats/summary')]);
    } catch (error) {
      this.fail(error as Error);
      return;
    }
    let pods: KubeletPodList;
    let summary: KubeletSummary;
    try {
      pods = parseAnswer(KubeletPodList, podsAnswer, '/pods');
      summary = parseAnswer(KubeletSummary, summaryAnswer, '/stats/summary');
    } catch (error) {
      // The kubelet answers, but not as Tapio reads it: dead-lettered with the reason, and the
      // health says so, until an answer of the right shape comes.
      this.deadLetter((error as Error).message, JSON.stringify({ pods: podsAnswer, summary: summaryAnswer }).slice(0, 64 * 1024));
      this.failure = (error as Error).message;
      return;
    }
    if (this.failure) this.logger.info({ endpoint: this.endpoint }, 'kubelet answers again');
    this.failure = undefined;
    this.stats.polls++;
    await this.report(pods, summary);
  }

  private async report(pods: KubeletPodList, summary: KubeletSummary): Promise<void> {
    const now = Date.now();
    const node = this.nodeName;
    const samples = usageSamples(node, pods, summary);
    const seen = new Set<string>();
    for (const sample of samples.containers) {
      const key = `${sample.pod.uid}/${sample.container}`;
      seen.add(key);
      // cAdvisor refreshes every 10-15 s: a poll in between sees the same sample again.
      if (this.sampleTimes.get(key) === sample.time) continue;
      this.sampleTimes.set(key, sample.time);
      if (this.policy.shouldReport(key, containerShares(sample), now)) await this.emit('container_usage', sample.time, sample);
      const trend = this.trends.add(key, Date.parse(sample.time), sample.memory.workingSetBytes, sample.memory.limitBytes);
      if (trend && sample.memory.limitBytes) {
        await this.emit('memory_trend', sample.time, { node, time: sample.time, pod: sample.pod, container: sample.container, workingSetBytes: sample.memory.workingSetBytes, limitBytes: sample.memory.limitBytes, ...trend });
      }
    }
    for (const sample of samples.pods) {
      const key = `${sample.pod.uid}`;
      seen.add(key);
      if (this.sampleTimes.get(key) === sample.time) continue;
      this.sampleTimes.set(key, sample.time);
      if (this.policy.shouldReport(key, podShares(sample), now)) await this.emit('pod_usage', sample.time, sample);
    }
    this.policy.retain(seen);
    this.trends.retain(seen);
    for (const key of this.sampleTimes.keys()) if (!seen.has(key)) this.sampleTimes.delete(key);
    for (const change of this.pressure.changes(node, summary, new Date(now).toISOString())) await this.emit(change.type, change.data.time, change.data);
  }

  private fail(error: Error): void {
    const refused = error instanceof KubeletAnswerError && (error.status === 401 || error.status === 403);
    const reason = refused ? `${error.message} (Tapio's identity needs get on nodes/stats and nodes/pods: deploy/rbac-node-agent.yaml)` : error.message;
    if (reason !== this.failure) this.logger.warn({ endpoint: this.endpoint, reason }, 'kubelet unreachable');
    this.failure = reason;
  }

  private deadLetter(reason: string, payload: string): void {
    this.stats.deadLettered++;
    this.logger.warn({ reason }, 'kubelet answer dead-lettered');
    this.deps.deadLetters?.put({ stage: 'decode', reason, source: this.source, origin: `collector:${this.id}`, at: new Date().toISOString(), payload });
  }

  private async emit(type: KubeletRawType, time: string, data: object): Promise<void> {
    try {
      await (this.sink as RawEventSink).emit({ timestamp: time, type, source: this.source, data: data as Record<string, unknown>, metadata: { node: this.nodeName, cluster: this.config.cluster } });
      this.stats.emitted++;
    } catch (error) {
      this.logger.warn({ err: error, type }, 'kubelet event refused by Tapio');
    }
  }
}
