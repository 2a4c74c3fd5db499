import { makeUnifiedEvent, type RawEvent, type RawEventTransformer, type TransformContext, type UnifiedEvent } from '@tapio/plugin-api';
import { HEARTBEAT_SOURCE, HeartbeatData } from './heartbeat.js';

/** A boot time that moves by more than this is a reboot, not clock jitter. */
const REBOOT_TOLERANCE_MS = 60_000;
const MiB = 2 ** 20;

/**
 * Heartbeat RawEvents → UnifiedEvents about the Node: every beat as a `custom`
 * event carrying the figures as metrics, `memory_pressure` when available memory
 * falls under the configured share, `node_rebooted` when the boot time moved since
 * the node's previous beat. Remembers one boot time per node.
 */
export class HeartbeatTransformer implements RawEventTransformer {
  readonly sources = [HEARTBEAT_SOURCE] as const;
  private readonly bootedAt = new Map<string, number>();

  transform(raw: RawEvent, context: TransformContext): UnifiedEvent[] {
    if (raw.type !== 'Heartbeat') throw new Error(`heartbeat: unknown raw type "${raw.type}" (expected Heartbeat)`);
    const parsed = HeartbeatData.safeParse(raw.data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`heartbeat: data.${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid'}`);
    }
    const beat = parsed.data;
    const entity = { kind: 'Node', name: beat.node, cluster: context.cluster };
    const k8sContext = { ...entity, nodeName: beat.node };
    const share = beat.memAvailableBytes / beat.memTotalBytes;
    const memory = `${Math.round(beat.memAvailableBytes / MiB)}Mi of ${Math.round(beat.memTotalBytes / MiB)}Mi available`;
    const events: UnifiedEvent[] = [
      makeUnifiedEvent(raw, context, 'custom', 'beat', {
        entity,
        k8sContext,
        message: `Node ${beat.node} heartbeat: load ${beat.load1.toFixed(2)}, ${memory}, up ${Math.round(beat.uptimeSeconds)}s`,
        metrics: { load1: beat.load1, memAvailableBytes: beat.memAvailableBytes, memTotalBytes: beat.memTotalBytes, uptimeSeconds: beat.uptimeSeconds },
        annotations: { collector: 'heartbeat' },
      }),
    ];
    if (share < beat.memoryPressureRatio) {
      events.push(
        makeUnifiedEvent(raw, context, 'memory_pressure', 'memory_pressure', {
          entity,
          k8sContext,
          message: `Node ${beat.node} is low on memory: ${memory} (${(share * 100).toFixed(1)}%, threshold ${(beat.memoryPressureRatio * 100).toFixed(0)}%)`,
          metrics: { memAvailableBytes: beat.memAvailableBytes, memTotalBytes: beat.memTotalBytes },
        }),
      );
    }
    const previousBoot = this.bootedAt.get(`${context.cluster}/${beat.node}`);
    this.bootedAt.set(`${context.cluster}/${beat.node}`, beat.bootedAt);
    if (previousBoot !== undefined && beat.bootedAt - previousBoot > REBOOT_TOLERANCE_MS) {
      events.push(
        makeUnifiedEvent(raw, context, 'node_rebooted', 'node_rebooted', {
          entity,
          k8sContext,
          message: `Node ${beat.node} rebooted at ${new Date(beat.bootedAt).toISOString()}`,
        }),
      );
    }
    return events;
  }
}
