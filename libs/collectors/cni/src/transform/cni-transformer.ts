import { makeUnifiedEvent, type RawEvent, type RawEventTransformer, type TransformContext, type UnifiedEvent } from '@tapio/plugin-api';
import { CNI_TAP_SOURCE, CniRecord } from '../cni-record.js';
import { classifyCniError } from './classify-cni-error.js';

const RAW_TYPES = ['cni_add', 'cni_del', 'cni_check'];
const FAILURE_TEXT = { ipam_exhausted: 'IPAM range exhausted', bridge_missing: 'bridge missing', plugin_missing: 'plugin missing', plugin_error: 'plugin error' } as const;

/**
 * tapio-cni-tap's records → UnifiedEvents about the pod whose sandbox it was: a network set
 * up (`pod_network_setup`: interface, IPs, gateway) or torn down (`pod_network_teardown`),
 * and failures: `ip_allocation_failed` when the IPAM range is exhausted, `cni_error` for the
 * others (bridge missing, plugin missing or failing). A record without a pod (a sandbox the
 * CRI did not make) is about the Node.
 */
export class CniTapTransformer implements RawEventTransformer {
  readonly sources = [CNI_TAP_SOURCE] as const;

  transform(raw: RawEvent, context: TransformContext): UnifiedEvent[] {
    if (!RAW_TYPES.includes(raw.type)) throw new Error(`cni_tap: unknown raw type "${raw.type}" (expected one of ${RAW_TYPES.join(', ')})`);
    const parsed = CniRecord.safeParse(raw.data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`cni_tap ${raw.type}: data.${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid'}`);
    }
    const record = parsed.data;
    if (record.command === 'CHECK' && record.exitCode === 0) return [];
    const cluster = raw.metadata['cluster'] ?? context.cluster;
    const onPod = record.pod.name !== '' && record.pod.namespace !== '';
    const entity = onPod ? { kind: 'Pod', name: record.pod.name, namespace: record.pod.namespace, cluster } : { kind: 'Node', name: record.node, cluster };
    const k8sContext = { ...entity, ...(onPod && record.pod.uid ? { uid: record.pod.uid } : {}), nodeName: record.node };
    const who = onPod ? `pod ${record.pod.namespace}/${record.pod.name}` : `sandbox ${record.containerId.slice(0, 12)}`;
    const fields: Record<string, string> = { network: record.network, plugin: record.plugin, sandbox: record.containerId, interface: record.ifName, command: record.command };
    const base = { entity, k8sContext, metrics: { duration_ms: record.durationMs } };
    if (record.exitCode !== 0) {
      const error = record.error ?? {};
      const failure = classifyCniError(error);
      const detail = [error.msg, error.details].filter(Boolean).join(': ') || error.unparsed || `exit ${record.exitCode}`;
      const message = `CNI ${record.command} of ${who} on network ${record.network} failed (${FAILURE_TEXT[failure]}): ${detail}`;
      return [
        makeUnifiedEvent(raw, context, failure === 'ipam_exhausted' ? 'ip_allocation_failed' : 'cni_error', `cni:${record.command}:${record.containerId}`, {
          ...base,
          message,
          kubernetes: { reason: failure },
          application: { logger: 'cni', message, fields: { ...fields, failure, ...(error.code !== undefined ? { cni_code: String(error.code) } : {}) } },
        }),
      ];
    }
    if (record.command === 'DEL') {
      const message = `CNI network of ${who} torn down (${record.network}, ${record.ifName})`;
      return [makeUnifiedEvent(raw, context, 'pod_network_teardown', `cni:DEL:${record.containerId}`, { ...base, message, application: { logger: 'cni', message, fields } })];
    }
    const ips = record.result?.ips ?? [];
    const gateway = ips.find((ip) => ip.gateway)?.gateway;
    const message = `CNI network of ${who} set up: ${record.ifName} ${ips.map((ip) => ip.address).join(', ') || 'no address'}${gateway ? ` via ${gateway}` : ''} (${record.network}, ${record.plugin}, ${record.durationMs} ms)`;
    return [
      makeUnifiedEvent(raw, context, 'pod_network_setup', `cni:ADD:${record.containerId}`, {
        ...base,
        message,
        ...(ips[0] ? { network: { srcIp: ips[0].address.split('/')[0] as string } } : {}),
        application: { logger: 'cni', message, fields: { ...fields, ips: ips.map((ip) => ip.address).join(','), ...(gateway ? { gateway } : {}) } },
      }),
    ];
  }
}
