import type { ExpectedEntity, RecordedLine } from '../support/recording-variants.js';

/**
 * One labeled recording of the corpus: the recording (built lazily: most are generated)
 * and the truth. `accept` lists the acceptable first root causes; empty means benign
 * (nothing of severity medium or above may be reported).
 */
export interface CorpusCase {
  /** The kind of incident (or `benign: ...` look-alike) this recording is an example of. */
  kind: string;
  /** What this variant changes (renamed, slower, noise, ...). */
  name: string;
  make: () => { lines: RecordedLine[]; accept: ExpectedEntity[] };
}

/** What every file of corpus/kinds/ exports: its cases, named `corpusCases`. */
export type CorpusCases = readonly CorpusCase[];
