export { KubeApiTransformer } from './transform/kubeapi-transformer.js';
export type { KubeApiTransformerOptions } from './transform/kubeapi-transformer.js';
export { factsOf, podReferences } from './transform/facts.js';
export { EVENT_REASON_TABLE, mapEventReason } from './transform/event-reasons.js';
export { parseQuantity } from './transform/quantity.js';
