import type { RawEventTransformer } from '@tapio/domain';
import { cniTransformer } from './cni.js';
import { configTransformer } from './config.js';
import { kubeletTransformer } from './kubelet.js';
import { networkConnectionTransformer } from './network-connection.js';

/** The transformers for every row of seed 000's mapping table. */
export const seedMappingTransformers: readonly RawEventTransformer[] = [
  kubeletTransformer,
  networkConnectionTransformer,
  cniTransformer,
  configTransformer,
];
