import type { Correlator } from '@tapio/domain';
import { DependencyCorrelator } from './dependency/dependency-correlator.js';
import { OwnershipCorrelator } from './ownership/ownership-correlator.js';
import { PerformanceCorrelator } from './performance/performance-correlator.js';
import { SequenceCorrelator } from './sequence/sequence-correlator.js';
import { ServiceDependencyCorrelator } from './service-dependency/service-dependency-correlator.js';
import { TemporalCorrelator } from './temporal/temporal-correlator.js';

/**
 * Fresh instances of the built-in correlators, in the order the app registers their
 * plugins: what an engine outside the app (tests, benchmarks, `analyze` in process) uses
 * to correlate as `tapio run` does. A correlator added to the product is added here once.
 */
export function builtinCorrelators(): Correlator[] {
  return [new TemporalCorrelator(), new SequenceCorrelator(), new DependencyCorrelator(), new ServiceDependencyCorrelator(), new OwnershipCorrelator(), new PerformanceCorrelator()];
}
