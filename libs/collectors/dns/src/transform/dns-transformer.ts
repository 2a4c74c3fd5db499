import { entityKey, makeUnifiedEvent, type EntityRef, type EventType, type K8sContext, type RawEvent, type RawEventTransformer, type TransformContext, type UnifiedEvent } from '@tapio/domain';
import { DnsRawType, DnsResponseData, DnsTimeoutData, type DnsWorkload } from '../collector/dns-raw-data.js';

function subject(workload: DnsWorkload, node: string, context: TransformContext): { entity: EntityRef; k8sContext?: K8sContext; label: string } {
  if (workload.pod) {
    const pod = workload.pod;
    const k8sContext: K8sContext = { cluster: context.cluster, kind: 'Pod', namespace: pod.namespace, name: pod.name, uid: pod.uid, nodeName: node };
    if (pod.labels) k8sContext.labels = pod.labels;
    if (pod.ownerReferences) k8sContext.ownerReferences = pod.ownerReferences;
    return { entity: { kind: 'Pod', name: pod.name, namespace: pod.namespace, uid: pod.uid, cluster: context.cluster }, k8sContext, label: `pod ${pod.namespace}/${pod.name}` };
  }
  const label = workload.podUid ? `unknown pod ${workload.podUid} on host ${node}` : `host ${node}${workload.systemdUnit ? ` (${workload.systemdUnit})` : ''}`;
  return { entity: { kind: 'Host', name: node, cluster: context.cluster }, label };
}

/** RawEvents of source `dns` -> dns_failure, dns_slow, dns_timeout with network data. */
export class DnsTransformer implements RawEventTransformer {
  readonly sources = ['dns'] as const;

  transform(raw: RawEvent, context: TransformContext): UnifiedEvent[] {
    const type = DnsRawType.safeParse(raw.type);
    if (!type.success) throw new Error(`dns RawEvent of unknown type "${raw.type}" (expected one of ${DnsRawType.options.join(', ')})`);
    const schema = type.data === 'dns_response' ? DnsResponseData : DnsTimeoutData;
    const parsed = schema.safeParse(raw.data);
    if (!parsed.success) throw new Error(`dns RawEvent "${raw.type}" has invalid data: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ')}`);
    const data = parsed.data as DnsResponseData | DnsTimeoutData;
    const who = subject(data.workload, data.node, context);
    const server = `${data.serverIp}:${data.serverPort}`;
    const network = {
      protocol: data.protocol.toUpperCase(),
      srcIp: data.clientIp,
      srcPort: data.clientPort,
      dstIp: data.serverIp,
      dstPort: data.serverPort,
      dnsQuery: data.query,
      dnsType: data.queryType,
      attempts: data.attempts,
    };
    const kernel = {
      cgroupId: data.workload.cgroupId,
      ...(data.workload.cgroupPath ? { cgroupPath: data.workload.cgroupPath } : {}),
      ...(data.workload.containerId ? { containerId: data.workload.containerId } : {}),
      ...(data.workload.podUid ? { podUid: data.workload.podUid } : {}),
      ...(data.workload.systemdUnit ? { systemdUnit: data.workload.systemdUnit } : {}),
    };
    const common = {
      entity: who.entity,
      ...(who.k8sContext ? { k8sContext: who.k8sContext } : {}),
      kernel,
      correlationHints: [entityKey({ kind: 'Node', name: data.node, cluster: context.cluster })],
    };

    if (type.data === 'dns_timeout') {
      const timeout = data as DnsTimeoutData;
      return [
        makeUnifiedEvent(raw, context, 'dns_timeout', 'dns_timeout', {
          ...common,
          message: `DNS ${timeout.queryType} ${timeout.query} from ${who.label} to ${server}: no answer in ${Math.round(timeout.waitedMs)} ms (${timeout.attempts} attempt${timeout.attempts === 1 ? '' : 's'})`,
          network: { ...network, latencyMs: timeout.waitedMs },
        }),
      ];
    }
    const response = data as DnsResponseData;
    const failed = response.rcode !== 'NOERROR';
    const eventType: EventType = failed ? 'dns_failure' : 'dns_slow';
    const message = failed
      ? `DNS ${response.queryType} ${response.query} from ${who.label} to ${server}: ${response.rcode} in ${response.latencyMs.toFixed(1)} ms`
      : `DNS ${response.queryType} ${response.query} from ${who.label} to ${server}: answered in ${response.latencyMs.toFixed(1)} ms (slow)`;
    return [
      makeUnifiedEvent(raw, context, eventType, eventType, {
        ...common,
        message,
        // A name that does not exist is usually a configuration error; a failing server is worse.
        ...(failed && response.rcode !== 'NXDOMAIN' ? { severity: 'high' } : {}),
        network: { ...network, dnsRcode: response.rcode, latencyMs: response.latencyMs },
      }),
    ];
  }
}
