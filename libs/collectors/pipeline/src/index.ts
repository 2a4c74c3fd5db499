export { Pipeline } from './pipeline.js';
export type { PipelineOptions, PipelineResult } from './pipeline.js';
export { canonicalJson, rawEventId, derivedEventId } from './event-id.js';
export { rawForBus } from './raw-for-bus.js';
export {
  K8S_METADATA_KEYS,
  parseLabels,
  serialiseLabels,
  parseOwnerRefs,
  serialiseOwnerRefs,
  k8sContextFromMetadata,
} from './k8s-metadata.js';
export { kubeletTransformer } from './transformers/kubelet.js';
export { networkConnectionTransformer } from './transformers/network-connection.js';
export { cniTransformer } from './transformers/cni.js';
export { configTransformer } from './transformers/config.js';
export { seedMappingTransformers } from './transformers/seed-mapping.js';
