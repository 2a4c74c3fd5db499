import { describe, expect, it } from 'vitest';
import { context, watch } from './kubeapi-transformer.test-support.js';
import { KubeApiTransformer } from './kubeapi-transformer.js';

const storageClass = (resourceVersion: string, isDefault: string | undefined) => ({
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: { name: 'hyperdisk-balanced', uid: 'sc-1', resourceVersion, ...(isDefault ? { annotations: { 'storageclass.kubernetes.io/is-default-class': isDefault } } : {}) },
  provisioner: 'pd.csi.storage.gke.io',
  volumeBindingMode: 'WaitForFirstConsumer',
});

describe('a StorageClass becoming the default', () => {
  it('is a change of the class (the claims that name no class go to it from now on); a label edit is not', () => {
    const transformer = new KubeApiTransformer();
    transformer.transform(watch('ADDED', storageClass('1', undefined)), context(1));
    const made = transformer.transform(watch('MODIFIED', storageClass('2', 'true')), context(2));
    expect(made.map((event) => [event.type, event.kubernetes?.changes?.map((change) => change.path)])).toEqual([['resource_updated', ['spec.annotations.storageclass.kubernetes.io/is-default-class']]]);
    const relabelled = { ...storageClass('3', 'true'), metadata: { ...storageClass('3', 'true').metadata, labels: { team: 'storage' } } };
    expect(transformer.transform(watch('MODIFIED', relabelled), context(3)).filter((event) => (event.kubernetes?.changes?.length ?? 0) > 0)).toEqual([]);
  });
});
