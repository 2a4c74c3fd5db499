import type { Correlation, Insight, Prediction, TopologyChange } from '@tapio/domain';

/** What processing one event (or releasing held matches) produced, for the graph and the bus. */
export interface EngineOutput {
  topology: TopologyChange[];
  correlations: Correlation[];
  insights: Insight[];
  predictions: Prediction[];
}

export function emptyOutput(): EngineOutput {
  return { topology: [], correlations: [], insights: [], predictions: [] };
}
