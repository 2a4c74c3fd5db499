import { hostname } from 'node:os';
import type { Collector, ComponentHealth, KubeIndex, Logger, Metrics, RawEvent, RawEventSink } from '@tapio/domain';
import { silentLogger } from '@tapio/domain';
import { BootClock, CgroupAttributor, EbpfUnavailableError, ProbeSession, checkPrerequisites, explainLoadFailure, isNativeProbeError, type ProbeCounters } from '@tapio/ebpf-native';
import { decodeDnsCapture, type DnsCapture } from '../capture/decode-dns-capture.js';
import { DNS_COUNTER_SLOT } from '../capture/dns-capture-layout.js';
import { parseDnsMessage, type DnsMessage } from '../dns/dns-message.js';
import { queryTypeName, rcodeName } from '../dns/dns-names.js';
import { QueryTracker, type QueryOutcome } from '../tracking/query-tracker.js';
import { TcpMessageSplitter } from '../tracking/tcp-messages.js';
import { DnsCollectorConfig, type DnsCollectorConfigInput } from './dns-config.js';
import type { DnsResponseData, DnsTimeoutData } from './dns-raw-data.js';
import { dnsWorkload } from './dns-workload.js';
import { isSearchPathExpansion } from './search-path.js';

export interface DnsCollectorDeps {
  kubeIndex?: KubeIndex;
  logger?: Logger;
  metrics?: Metrics;
}

export interface DnsCollectorStats {
  packets: number;
  queries: number;
  responses: number;
  malformed: number;
  unmatchedResponses: number;
  emitted: number;
  suppressedSearchPath: number;
  kernelDrops: number;
  pendingEvicted: number;
}

const NXDOMAIN = 3;

/**
 * The DNS collector: cgroup skb programs on the cgroup v2 root capture DNS over UDP and
 * TCP for every socket on the node; questions are paired with answers here and
 * failures (NXDOMAIN, SERVFAIL, REFUSED...), timeouts and slow answers become RawEvents
 * of source `dns`, attributed to the pod that asked. Answers that are fine are only
 * counted (metrics), not sent.
 */
export class DnsCollector implements Collector {
  readonly id = 'dns';
  readonly source = 'dns';
  private readonly config: DnsCollectorConfig;
  private readonly logger: Logger;
  private session: ProbeSession | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private state: ComponentHealth = { status: 'stopped' };
  private readonly tracker: QueryTracker;
  private readonly tcp = new TcpMessageSplitter();
  private readonly stats: DnsCollectorStats = { packets: 0, queries: 0, responses: 0, malformed: 0, unmatchedResponses: 0, emitted: 0, suppressedSearchPath: 0, kernelDrops: 0, pendingEvicted: 0 };
  private sink: RawEventSink | undefined;
  private attributor: CgroupAttributor | undefined;
  private clock: BootClock | undefined;
  private emitting: Promise<void> = Promise.resolve();
  private waiting = 0;
  private lastCounters: ProbeCounters | undefined;

  constructor(
    config: DnsCollectorConfigInput = {},
    private readonly deps: DnsCollectorDeps = {},
  ) {
    this.config = DnsCollectorConfig.parse(config);
    this.logger = (deps.logger ?? silentLogger).child({ collector: this.id });
    this.tracker = new QueryTracker(this.config.maxPending);
  }

  get nodeName(): string {
    return this.config.nodeName ?? process.env['NODE_NAME'] ?? hostname();
  }

  async start(sink: RawEventSink): Promise<void> {
    if (this.session) return;
    this.state = { status: 'starting' };
    const report = checkPrerequisites({ needs: 'cgroup-skb', ...(this.config.btfPath ? { btfPath: this.config.btfPath } : {}) });
    if (report.missing.length > 0 || !report.cgroups.unified) this.fail(new EbpfUnavailableError('DNS collector', report.missing));
    this.sink = sink;
    this.attributor = new CgroupAttributor(report.cgroups, this.deps.kubeIndex);
    this.clock = new BootClock();
    try {
      this.session = ProbeSession.open(
        'dns',
        { config: { dns_ports: this.config.ports, wakeup_bytes: this.config.wakeupBytes }, cgroupPath: report.cgroups.unified as string, pollMs: this.config.pollMs },
        {
          onRecord: (bytes) => this.onRecord(bytes),
          onFailure: (errno) => {
            this.state = { status: 'down', reason: `DNS ring buffer polling failed (errno ${errno}); capture detached` };
            this.logger.error({ errno }, this.state.reason);
          },
        },
      );
    } catch (error) {
      if (isNativeProbeError(error)) this.fail(new EbpfUnavailableError('DNS collector', [explainLoadFailure(error.step, error.errno, error.detail)]));
      throw error;
    }
    const sweepEvery = Math.max(20, Math.min(250, Math.floor(this.config.timeoutMs / 4)));
    this.sweepTimer = setInterval(() => this.sweep(), sweepEvery);
    this.sweepTimer.unref();
    this.state = { status: 'ok' };
    this.logger.info({ node: this.nodeName, ports: this.config.ports, cgroup: report.cgroups.unified }, 'DNS capture attached');
  }

  private fail(error: EbpfUnavailableError): never {
    this.state = { status: 'down', reason: error.message };
    this.logger.error({ missing: error.missing }, error.message);
    throw error;
  }

  private onRecord(bytes: Buffer): void {
    this.stats.packets++;
    let capture: DnsCapture;
    try {
      capture = decodeDnsCapture(bytes);
    } catch (error) {
      this.malformed(error);
      return;
    }
    const now = Date.now();
    const messages = capture.protocol === 'udp' ? [capture.payload] : this.tcp.split(`${capture.socketCookie}:${capture.direction}`, capture.tcpSeq, capture.payload, capture.payloadLength, now);
    for (const bytesOfMessage of messages) {
      let message: DnsMessage;
      try {
        message = parseDnsMessage(bytesOfMessage);
      } catch (error) {
        this.malformed(error);
        continue;
      }
      if (capture.direction === 'query' && !message.isResponse) {
        this.stats.queries++;
        if (this.tracker.query(capture, message, now)) this.stats.pendingEvicted++;
      } else if (capture.direction === 'response' && message.isResponse) {
        this.stats.responses++;
        const outcome = this.tracker.response(capture, message, now);
        if (outcome) this.report(outcome);
        else this.stats.unmatchedResponses++;
      }
    }
  }

  private malformed(error: unknown): void {
    this.stats.malformed++;
    this.deps.metrics?.counter('tapio_dns_malformed_total', 'Captured DNS packets that failed to parse').inc();
    this.logger.debug({ err: error }, 'malformed DNS packet');
  }

  private sweep(): void {
    const now = Date.now();
    for (const outcome of this.tracker.expire(now, this.config.timeoutMs)) this.report(outcome);
    this.tcp.sweep(now, Math.max(60_000, this.config.timeoutMs * 2));
    this.deps.metrics?.gauge('tapio_dns_pending_queries', 'DNS questions waiting for an answer').set(this.tracker.size);
  }

  private report(outcome: QueryOutcome): void {
    const { query } = outcome;
    const question = query.message;
    const capture = query.capture;
    if (outcome.kind === 'answered') {
      this.deps.metrics?.histogram('tapio_dns_latency_seconds', 'DNS answer latency seen on the node, seconds', [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], ['rcode']).observe(outcome.latencyMs / 1000, { rcode: rcodeName(outcome.response.rcode) });
      const failed = outcome.response.rcode !== 0;
      const slow = outcome.latencyMs > this.config.slowMs;
      if (!failed && !slow) return;
      if (failed && outcome.response.rcode === NXDOMAIN && this.config.ignoreSearchPathNxdomain && isSearchPathExpansion(question.name, this.config.clusterDomain)) {
        this.stats.suppressedSearchPath++;
        return;
      }
    }
    const workload = dnsWorkload((this.attributor as CgroupAttributor).attribute(capture.cgroupId, 0n), capture.cgroupId, capture.srcIp, this.deps.kubeIndex);
    const exchange = {
      node: this.nodeName,
      bootNs: capture.bootNs.toString(),
      workload,
      protocol: capture.protocol,
      clientIp: capture.srcIp,
      clientPort: capture.srcPort,
      serverIp: capture.dstIp,
      serverPort: capture.dstPort,
      id: question.id,
      query: question.name,
      queryType: queryTypeName(question.type),
      attempts: query.attempts,
    };
    const clock = this.clock as BootClock;
    let raw: RawEvent;
    if (outcome.kind === 'answered') {
      const data: DnsResponseData = {
        ...exchange,
        rcode: rcodeName(outcome.response.rcode),
        latencyMs: outcome.latencyMs,
        answers: outcome.response.answerCount,
        truncated: outcome.response.truncated,
        slow: outcome.latencyMs > this.config.slowMs,
      };
      raw = { timestamp: clock.toIso(outcome.responseCapture.bootNs), type: 'dns_response', source: 'dns', data, metadata: { node: this.nodeName } };
    } else {
      const data: DnsTimeoutData = { ...exchange, waitedMs: outcome.waitedMs };
      raw = { timestamp: clock.toIso(capture.bootNs), type: 'dns_timeout', source: 'dns', data, metadata: { node: this.nodeName } };
    }
    this.emit(raw);
  }

  /** In order, one at a time (the sink may apply backpressure); bounded by queueLimit. */
  private emit(raw: RawEvent): void {
    if (this.waiting >= this.config.queueLimit) {
      this.deps.metrics?.counter('tapio_dns_queue_dropped_total', 'DNS events dropped because the sink fell behind').inc();
      return;
    }
    this.waiting++;
    this.emitting = this.emitting.then(async () => {
      try {
        await (this.sink as RawEventSink).emit(raw);
        this.stats.emitted++;
        this.deps.metrics?.counter('tapio_dns_events_total', 'DNS events emitted as RawEvents').inc();
      } catch (error) {
        this.logger.error({ err: error }, 'DNS event rejected by the sink');
      } finally {
        this.waiting--;
      }
    });
  }

  counters(): ProbeCounters | undefined {
    if (this.session?.running()) this.lastCounters = this.session.counters();
    return this.lastCounters;
  }

  statistics(): DnsCollectorStats {
    const counters = this.counters();
    if (counters) this.stats.kernelDrops = Number(counters.total(DNS_COUNTER_SLOT.drop));
    return { ...this.stats };
  }

  async stop(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
    if (this.session) {
      this.counters();
      await this.session.stop();
    }
    this.session = undefined;
    await this.emitting;
    if (this.state.status !== 'down') this.state = { status: 'stopped' };
  }

  health(): ComponentHealth {
    const stats = this.statistics();
    return { ...this.state, details: { ...stats, pending: this.tracker.size } };
  }
}
