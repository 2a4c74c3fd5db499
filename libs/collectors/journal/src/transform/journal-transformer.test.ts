import type { RawEvent, TransformContext } from '@tapio/domain';
import { describe, expect, it } from 'vitest';
import { UNIT_MESSAGE_IDS, unitFilter } from '../classify/systemd-messages.js';
import { JournalTransformer } from './journal-transformer.js';

const context: TransformContext = { eventId: (raw, discriminator) => `${raw.timestamp}#${discriminator}`, processedAt: '2026-01-01T00:00:00.000Z', cluster: 'c1' };
let cursor = 0;

function entry(at: string, fields: Record<string, string>): RawEvent {
  cursor++;
  return { timestamp: at, type: 'journal_entry', source: 'systemd', metadata: { node: 'n1' }, data: { node: 'n1', fields: { __CURSOR: `s=1;i=${cursor}`, __REALTIME_TIMESTAMP: '1', _TRANSPORT: 'journal', ...fields } } };
}
const unit = (kind: keyof typeof UNIT_MESSAGE_IDS, at: string, extra: Record<string, string> = {}) => entry(at, { MESSAGE_ID: UNIT_MESSAGE_IDS[kind], UNIT: 'containerd.service', MESSAGE: kind, ...extra });
const types = (transformer: JournalTransformer, raws: RawEvent[]) => raws.flatMap((raw) => transformer.transform(raw, context)).map((event) => event.type);

describe('JournalTransformer', () => {
  it('a stop then a start of one unit within a minute is also a restart', () => {
    expect(types(new JournalTransformer(), [unit('stopped', '2026-01-01T00:00:00Z'), unit('started', '2026-01-01T00:00:05Z')])).toEqual(['service_stopped', 'service_started', 'service_restarted']);
  });

  it('a start long after a stop is not a restart', () => {
    expect(types(new JournalTransformer(), [unit('stopped', '2026-01-01T00:00:00Z'), unit('started', '2026-01-01T00:05:00Z')])).toEqual(['service_stopped', 'service_started']);
  });

  it('an automatic restart is reported once, though systemd logs failed, scheduled, stopped and started', () => {
    const raws = [unit('failed', '2026-01-01T00:00:00Z', { UNIT_RESULT: 'exit-code' }), unit('restartScheduled', '2026-01-01T00:00:01Z', { N_RESTARTS: '1' }), unit('stopped', '2026-01-01T00:00:01Z'), unit('started', '2026-01-01T00:00:02Z')];
    expect(types(new JournalTransformer(), raws)).toEqual(['service_failed', 'service_restarted', 'service_stopped', 'service_started']);
  });

  it('attributes a kernel OOM kill to the unit named in the oom-kill line before it', () => {
    const transformer = new JournalTransformer();
    const kernel = (message: string) => entry('2026-01-01T00:00:00Z', { _TRANSPORT: 'kernel', MESSAGE: message });
    const events = [
      kernel('oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),oom_memcg=/system.slice/kubelet.service,task_memcg=/system.slice/kubelet.service,task=kubelet,pid=12,uid=0'),
      kernel('Memory cgroup out of memory: Killed process 12 (kubelet) total-vm:1kB, anon-rss:2048kB'),
    ].flatMap((raw) => transformer.transform(raw, context));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'oom_kill', entity: { kind: 'Node', name: 'n1', cluster: 'c1' }, kernel: { pid: 12, comm: 'kubelet', systemdUnit: 'kubelet.service', rssBytes: 2048 * 1024 } });
  });

  it('rejects what it cannot read, naming the problem', () => {
    const transformer = new JournalTransformer();
    expect(() => transformer.transform({ ...unit('started', '2026-01-01T00:00:00Z'), type: 'other' }, context)).toThrow(/unknown raw type "other"/);
    expect(() => transformer.transform({ ...unit('started', '2026-01-01T00:00:00Z'), data: { node: 'n1' } }, context)).toThrow(/data\.fields/);
    expect(() => transformer.transform(entry('2026-01-01T00:00:00Z', { MESSAGE_ID: 'abc', MESSAGE: 'x' }), context)).toThrow(/MESSAGE_ID abc is neither/);
  });
});

describe('unitFilter', () => {
  it('matches glob patterns against whole unit names', () => {
    const matches = unitFilter(['kubelet.service', 'kube-*.service', 'etcd?.service']);
    expect(['kubelet.service', 'kube-proxy.service', 'etcd1.service'].every(matches)).toBe(true);
    expect(['kubelet.service.d', 'xkubelet.service', 'kube-proxy.socket', 'etcd.service'].some(matches)).toBe(false);
  });
});
