import type { Insight } from '@tapio/domain';
import {
  CorrelationEngine,
  FeedbackLedger,
  loadBuiltinPatterns,
  type EngineOutput,
  builtinCorrelators,
} from '@tapio/correlation';
import { CniTapTransformer } from '@tapio/collector-cni';
import { CriTransformer } from '@tapio/collector-cri';
import { DnsTransformer } from '@tapio/collector-dns';
import { EtcdTransformer } from '@tapio/collector-etcd';
import { JournalTransformer } from '@tapio/collector-journal';
import { KernelTransformer } from '@tapio/collector-kernel';
import { KubeApiTransformer } from '@tapio/collector-kubeapi';
import { KubeletApiTransformer } from '@tapio/collector-kubelet';
import { DeadLetterStore } from '@tapio/embedded';
import { Pipeline } from '@tapio/pipeline';

export interface Analysis {
  engine: CorrelationEngine;
  insights: Insight[];
  produced: number;
  rejected: number;
  /** Wall time from handing over the last line to the ranked insights (the answer's latency). */
  answerMs: number;
}

/**
 * What `tapio analyze` computes, in process: every recorded line through the real
 * pipeline (validation, the kubeapi and every node-local collector's transformer, as `tapio analyze` has them all) and the correlation engine with the five
 * correlators and the built-in patterns. Lines are NDJSON text or parsed objects.
 */
export function analyzeRecording(lines: ReadonlyArray<string | object>, ledger = new FeedbackLedger(), onOutput?: (output: EngineOutput) => void): Analysis {
  const deadLetters = new DeadLetterStore();
  // The API server's lines and the node-local collectors' (a recording made with them holds both).
  const transformers = [new KubeApiTransformer(), new KubeletApiTransformer(), new CriTransformer(), new CniTapTransformer(), new JournalTransformer(), new EtcdTransformer(), new DnsTransformer(), new KernelTransformer()];
  const pipeline = new Pipeline({ transformers, deadLetters, validateOutput: true });
  const engine = new CorrelationEngine(builtinCorrelators(), ledger);
  engine.setPatterns(loadBuiltinPatterns());
  let produced = 0;
  let lastLineAt = performance.now();
  lines.forEach((line, index) => {
    lastLineAt = performance.now();
    const result = typeof line === 'string' ? pipeline.processLine(line, `line ${index + 1}`) : pipeline.process(line, `line ${index + 1}`);
    if (!result.ok) return;
    for (const event of result.events) {
      produced += 1;
      const output = engine.process(event);
      onOutput?.(output);
    }
  });
  const released = engine.releaseDue(Number.POSITIVE_INFINITY);
  onOutput?.(released);
  const insights = engine.rootInsights();
  return { engine, insights, produced, rejected: deadLetters.count(), answerMs: performance.now() - lastLineAt };
}
