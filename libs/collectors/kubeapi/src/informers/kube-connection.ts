import { existsSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';

export interface KubeConnectionOptions {
  /** Path of a kubeconfig file; absent: in-cluster when `inCluster`, else the default lookup ($KUBECONFIG, ~/.kube/config). */
  kubeconfig?: string;
  /** kubeconfig context to use instead of its current-context. */
  context?: string;
  /** Use the pod's service account (token and CA mounted by Kubernetes). */
  inCluster?: boolean;
}

/** Loads the client configuration; errors name the file or context that is wrong. */
export function loadKubeConfig(options: KubeConnectionOptions): KubeConfig {
  const config = new KubeConfig();
  if (options.inCluster) {
    if (process.env['KUBERNETES_SERVICE_HOST'] === undefined) {
      throw new Error('kubeapi collector: inCluster is set but KUBERNETES_SERVICE_HOST is not (not running in a pod?)');
    }
    config.loadFromCluster();
  } else if (options.kubeconfig !== undefined) {
    if (!existsSync(options.kubeconfig)) throw new Error(`kubeapi collector: kubeconfig ${options.kubeconfig} does not exist`);
    try {
      config.loadFromFile(options.kubeconfig);
    } catch (error) {
      throw new Error(`kubeapi collector: cannot read kubeconfig ${options.kubeconfig}: ${(error as Error).message}`, { cause: error });
    }
  } else {
    config.loadFromDefault();
  }
  if (options.context !== undefined) {
    if (config.getContextObject(options.context) === null) {
      const known = config.getContexts().map((context) => context.name);
      throw new Error(`kubeapi collector: context ${options.context} is not in the kubeconfig (contexts: ${known.join(', ') || 'none'})`);
    }
    config.setCurrentContext(options.context);
  }
  if (config.getCurrentCluster() === null) {
    throw new Error(`kubeapi collector: the kubeconfig has no cluster for context ${config.getCurrentContext() || '(none)'}`);
  }
  return config;
}
