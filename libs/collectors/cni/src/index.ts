export { cniPlugin } from './plugin.js';
export { CniCollector } from './collector/cni-collector.js';
export type { CniCollectorDeps } from './collector/cni-collector.js';
export { CniConfig } from './collector/cni-config.js';
export type { CniConfigInput } from './collector/cni-config.js';
export { CNI_TAP_SOURCE, CniRecord } from './cni-record.js';
export { CniTapTransformer } from './transform/cni-transformer.js';
export { classifyCniError } from './transform/classify-cni-error.js';
export type { CniFailure } from './transform/classify-cni-error.js';
