export { TopologyIndex } from './topology-index.js';
export { TopologyProjector } from './topology-projector.js';
export { matchesSelector, matchesServiceSelector, isEmptySelector } from './label-selector.js';
export { GraphIngestor } from './graph-ingestor.js';
