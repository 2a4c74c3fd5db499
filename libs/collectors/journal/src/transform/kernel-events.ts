import { makeUnifiedEvent, type RawEvent, type TransformContext, type UnifiedEvent, type UnifiedEventDraft } from '@tapio/domain';
import { unitOfCgroup, type KernelFinding } from '../classify/kernel-messages.js';

type Base = Pick<UnifiedEventDraft, 'entity' | 'k8sContext' | 'correlationHints' | 'annotations'>;

/** Which cgroup the kernel named for a pid in the "oom-kill:" line that precedes the kill line. */
export class OomContextMemory {
  private readonly byPid = new Map<number, string>();

  remember(pid: number, memcg: string): void {
    this.byPid.set(pid, memcg);
    // Only the line right before the kill matters; keep a handful in case kills interleave.
    if (this.byPid.size > 64) this.byPid.delete(this.byPid.keys().next().value as number);
  }

  take(pid: number): string | undefined {
    const memcg = this.byPid.get(pid);
    this.byPid.delete(pid);
    return memcg;
  }
}

/** The UnifiedEvent of a kernel message that matters, on the node that logged it. */
export function kernelEvent(raw: RawEvent, context: TransformContext, finding: KernelFinding, text: string, base: Base, memory: OomContextMemory): UnifiedEvent[] {
  const node = base.entity?.name ?? '';
  const application = { message: text, logger: 'kernel' };
  switch (finding.kind) {
    case 'oom_context':
      memory.remember(finding.pid, finding.memcg);
      return [];
    case 'oom_kill': {
      const memcg = finding.memcg ?? memory.take(finding.pid);
      const unit = memcg ? unitOfCgroup(memcg) : undefined;
      return [
        makeUnifiedEvent(raw, context, 'oom_kill', 'kernel:oom_kill', {
          ...base,
          message: `Kernel OOM killer killed ${finding.comm} (pid ${finding.pid}) on node ${node}${unit ? ` in ${unit}` : memcg ? ` in cgroup ${memcg}` : ''}`,
          kernel: {
            pid: finding.pid,
            comm: finding.comm,
            ...(memcg ? { memoryCgroup: memcg } : {}),
            ...(unit ? { systemdUnit: unit } : {}),
            ...(finding.rssKb !== undefined ? { rssBytes: finding.rssKb * 1024 } : {}),
          },
          application,
        }),
      ];
    }
    case 'hung_task':
      return [
        makeUnifiedEvent(raw, context, 'hung_task', 'kernel:hung_task', {
          ...base,
          message: `Task ${finding.comm} (pid ${finding.pid}) on node ${node} blocked for more than ${finding.blockedSeconds} s`,
          kernel: { pid: finding.pid, comm: finding.comm },
          metrics: { blocked_seconds: finding.blockedSeconds },
          application,
        }),
      ];
    case 'link_down':
    case 'link_up': {
      const what = finding.port ? `port ${finding.port} of ${finding.device}` : `link ${finding.device}`;
      return [
        makeUnifiedEvent(raw, context, finding.kind, `kernel:${finding.kind}`, {
          ...base,
          message: `Network ${what} on node ${node} went ${finding.kind === 'link_down' ? 'down' : 'up'}`,
          network: { state: finding.kind === 'link_down' ? 'down' : 'up' },
          application: { ...application, fields: { device: finding.device, ...(finding.port ? { port: finding.port } : {}) } },
        }),
      ];
    }
    case 'filesystem_error':
      return [
        makeUnifiedEvent(raw, context, 'filesystem_error', 'kernel:filesystem_error', {
          ...base,
          message: `${finding.filesystem} error on device ${finding.device} of node ${node}: ${finding.detail}`,
          application: { ...application, fields: { filesystem: finding.filesystem, device: finding.device } },
        }),
      ];
  }
}
