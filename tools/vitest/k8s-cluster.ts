import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { clusterCommand } from '../k8s/test-cluster.mjs';

/**
 * Vitest global set-up for the local Kubernetes cluster (tools/k8s): it starts nothing (only
 * suites that call useTestCluster() start or join it), but tells them in whose name to hold
 * the cluster lease, and at the end of the run drops that lease: the cluster stops unless
 * another test run still holds one or it was started by hand (npm run cluster:up).
 */
export default function k8sClusterLease(): () => Promise<void> {
  process.env.TAPIO_K8S_LEASE_PID = String(process.pid);
  return async () => {
    const home = process.env.TAPIO_K8S_HOME ?? '/var/tmp/tapio-k8s';
    if (!existsSync(join(home, 'leases', String(process.pid)))) return;
    await clusterCommand('down', '--lease', String(process.pid));
  };
}
