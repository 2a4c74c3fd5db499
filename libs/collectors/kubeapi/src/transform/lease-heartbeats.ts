import type { Signal } from './signal.js';
import { num, obj, str, type Json } from './k8s-object.js';

/** Where the kubelet keeps its node's heartbeat Lease (named after the node). */
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

/** What is remembered of a Lease's version (in the transformer's object memory, so it is durable too). */
export interface LeaseState {
  holder?: string | undefined;
  renewedAtMs?: number | undefined;
}

export function leaseState(object: Json): LeaseState {
  const spec = obj(object['spec']);
  const renewedAtMs = Date.parse(str(spec['renewTime']) ?? '');
  const holder = str(spec['holderIdentity']);
  return { ...(holder !== undefined ? { holder } : {}), ...(Number.isNaN(renewedAtMs) ? {} : { renewedAtMs }) };
}

/**
 * Lease renewals folded into heartbeat state. A kubelet renews its node's Lease every
 * 10 s and the controller managers theirs every 2 s: each renewal is a new version of the
 * object and says nothing new, so none becomes an event. What does: a renewal that comes
 * later than the Lease's duration after the one before (the holder missed renewing it:
 * for a node, its kubelet's heartbeat stopped for that long), and a change of holder
 * (for a leader election Lease, a failover). A missed renewal is seen when renewing
 * resumes (nothing is sent while it is missed); a node that stays silent is reported by
 * its Ready condition going Unknown.
 */
export function leaseSignals(previous: LeaseState | undefined, object: Json): Signal[] {
  const metadata = obj(object['metadata']);
  const spec = obj(object['spec']);
  const holder = str(spec['holderIdentity']);
  const renewedAtMs = Date.parse(str(spec['renewTime']) ?? '');
  const durationSeconds = num(spec['leaseDurationSeconds']);
  if (!previous) return [];
  const signals: Signal[] = [];
  const name = str(metadata['name']) ?? '?';
  const namespace = str(metadata['namespace']) ?? '';
  const node = namespace === NODE_LEASE_NAMESPACE;
  if (previous.holder !== undefined && holder !== undefined && previous.holder !== holder) {
    signals.push({
      type: 'lease_holder_changed',
      key: `lease:holder:${holder}`,
      message: `Lease ${namespace}/${name} changed holder: ${previous.holder} → ${holder}`,
      kubernetes: { reason: 'LeaseHolderChanged', changes: [{ path: 'spec.holderIdentity', op: 'changed', before: previous.holder, after: holder }] },
    });
  }
  // A leader election Lease that is not renewed in time changes holder: that is its news.
  if (node && previous.renewedAtMs !== undefined && !Number.isNaN(renewedAtMs) && durationSeconds !== undefined) {
    const gapMs = renewedAtMs - previous.renewedAtMs;
    if (gapMs > durationSeconds * 1000) {
      signals.push({
        type: 'node_heartbeat_missed',
        key: `lease:missed:${renewedAtMs}`,
        message: `Node ${name}: its kubelet did not renew its heartbeat Lease for ${Math.round(gapMs / 1000)} s (lease duration ${durationSeconds} s); renewed again at ${new Date(renewedAtMs).toISOString()}`,
        kubernetes: { reason: 'NodeHeartbeatMissed' },
        about: { kind: 'Node', name },
      });
    }
  }
  return signals;
}
