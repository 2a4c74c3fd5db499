import type { Clock } from '../ports/clock.js';
import type { RawEventSink } from '../ports/collector.js';
import type { DeadLetterSink } from '../ports/dead-letter.js';
import type { KubeIndex } from '../ports/kube-index.js';
import type { CounterMetric, Metrics } from '../ports/metrics.js';

/*
 * A do-nothing implementation of each port of the plugin API (the logger's is
 * `silentLogger`): for a plugin's unit tests, and for the runtime when a plugin needs a
 * service no running plugin provides (the kernel collector without the Kubernetes API
 * collector attributes nothing to pods, but still runs).
 */

const noMetric: CounterMetric & { set(): void; observe(): void } = { inc: () => undefined, set: () => undefined, observe: () => undefined };

export const noopMetrics: Metrics = {
  counter: () => noMetric,
  gauge: () => noMetric,
  histogram: () => noMetric,
  beforeScrape: () => undefined,
  render: async () => ({ contentType: 'text/plain; version=0.0.4', text: '' }),
};

export const noopClock: Clock = { now: () => 0 };

export const noopDeadLetters: DeadLetterSink = { put: () => undefined, count: () => 0, recent: () => [] };

/** Knows no pod: every lookup answers "unknown". */
export const noopKubeIndex: KubeIndex = { podByContainerId: () => undefined, podByUid: () => undefined, podByIp: () => undefined, podsOnNode: () => [] };

export const noopRawEventSink: RawEventSink = { emit: async () => undefined };
