import { makeUnifiedEvent, type RawEvent, type RawEventTransformer, type TransformContext, type UnifiedEvent } from '@tapio/domain';
import { classifyKernelMessage } from '../classify/kernel-messages.js';
import { UNIT_MESSAGE_IDS, unitMessageKind, type UnitMessageKind } from '../classify/systemd-messages.js';
import { fieldText, JOURNAL_RAW_TYPE, JournalEntryData } from '../collector/journal-entry.js';
import { kernelEvent, OomContextMemory } from './kernel-events.js';

/** A start this soon after a stop or failure of the same unit is a restart. */
const RESTART_WINDOW_MS = 60_000;
const PRIORITY_NAMES = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'];

function parse(raw: RawEvent): JournalEntryData {
  if (raw.type !== JOURNAL_RAW_TYPE) throw new Error(`systemd: unknown raw type "${raw.type}" (expected ${JOURNAL_RAW_TYPE})`);
  const result = JournalEntryData.safeParse(raw.data);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`systemd ${raw.type}: data.${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}

/**
 * Journal entries → UnifiedEvents about the node: unit failures, restarts, OOM kills,
 * starts and stops of node services, and the kernel messages that matter. Remembers when
 * each unit last stopped, so "Stopped containerd" then "Started containerd" is a restart.
 */
export class JournalTransformer implements RawEventTransformer {
  readonly sources = ['systemd'] as const;
  private readonly oomContext = new OomContextMemory();
  private readonly lastDown = new Map<string, { at: number; restartReported: boolean }>();

  transform(raw: RawEvent, context: TransformContext): UnifiedEvent[] {
    const { node, fields } = parse(raw);
    const cluster = raw.metadata['cluster'] ?? context.cluster;
    const entity = { kind: 'Node', name: node, cluster };
    const base = { entity, k8sContext: { cluster, kind: 'Node', name: node, nodeName: node }, correlationHints: [`Node/${node}`] };
    const message = fieldText(fields, 'MESSAGE') ?? '';
    if (fieldText(fields, '_TRANSPORT') === 'kernel') {
      const finding = classifyKernelMessage(message);
      return finding ? kernelEvent(raw, context, finding, message, base, this.oomContext) : [];
    }
    const messageId = fieldText(fields, 'MESSAGE_ID');
    const kind = unitMessageKind(messageId);
    if (!kind) throw new Error(`systemd journal_entry: MESSAGE_ID ${messageId ?? '(none)'} is neither a unit state message nor kernel transport`);
    const unit = fieldText(fields, 'UNIT') ?? fieldText(fields, 'USER_UNIT');
    if (!unit) throw new Error(`systemd journal_entry: unit message "${kind}" (MESSAGE_ID ${UNIT_MESSAGE_IDS[kind]}) names no UNIT: "${message.slice(0, 120)}"`);
    return this.unitEvents(raw, context, kind, unit, fields, message, base);
  }

  private unitEvents(raw: RawEvent, context: TransformContext, kind: UnitMessageKind, unit: string, fields: JournalEntryData['fields'], message: string, base: { entity: { kind: string; name: string; cluster: string } } & Record<string, unknown>): UnifiedEvent[] {
    const node = base.entity.name;
    const priority = Number(fieldText(fields, 'PRIORITY'));
    const result = fieldText(fields, 'UNIT_RESULT') ?? fieldText(fields, 'JOB_RESULT');
    const restarts = Number(fieldText(fields, 'N_RESTARTS'));
    const application = {
      unit,
      message,
      logger: 'systemd',
      ...(PRIORITY_NAMES[priority] ? { level: PRIORITY_NAMES[priority] } : {}),
      ...(result ? { fields: { result } } : {}),
    };
    const draft = { ...base, application };
    const at = Date.parse(raw.timestamp);
    switch (kind) {
      case 'failed':
      case 'startFailed':
        this.markDown(unit, at);
        return [makeUnifiedEvent(raw, context, 'service_failed', `unit:${kind}`, { ...draft, message: `${unit} on node ${node} failed${result ? ` (${result})` : ''}` })];
      case 'stopped':
        this.markDown(unit, at);
        return [makeUnifiedEvent(raw, context, 'service_stopped', 'unit:stopped', { ...draft, message: `${unit} on node ${node} stopped` })];
      case 'restartScheduled':
        this.lastDown.set(unit, { at, restartReported: true });
        return [
          makeUnifiedEvent(raw, context, 'service_restarted', 'unit:restart', {
            ...draft,
            message: `${unit} on node ${node} is being restarted by systemd${Number.isFinite(restarts) ? ` (restart ${restarts})` : ''}`,
            ...(Number.isFinite(restarts) ? { metrics: { restart_count: restarts } } : {}),
          }),
        ];
      case 'outOfMemory':
        return [makeUnifiedEvent(raw, context, 'oom_kill', 'unit:oom', { ...draft, message: `A process of ${unit} on node ${node} was killed by the OOM killer`, kernel: { systemdUnit: unit } })];
      case 'started': {
        const events = [makeUnifiedEvent(raw, context, 'service_started', 'unit:started', { ...draft, message: `${unit} on node ${node} started` })];
        const down = this.lastDown.get(unit);
        this.lastDown.delete(unit);
        if (down && !down.restartReported && at - down.at <= RESTART_WINDOW_MS) {
          events.push(makeUnifiedEvent(raw, context, 'service_restarted', 'unit:restarted', { ...draft, message: `${unit} on node ${node} restarted (down ${Math.max(0, Math.round((at - down.at) / 1000))} s)` }));
        }
        return events;
      }
    }
  }

  /** systemd logs "Stopped" after "Scheduled restart job" too: that restart is already reported. */
  private markDown(unit: string, at: number): void {
    const previous = this.lastDown.get(unit);
    this.lastDown.set(unit, { at, restartReported: previous !== undefined && previous.restartReported && at - previous.at <= RESTART_WINDOW_MS });
  }
}
