export interface HeapSample {
  minute: number;
  liveMb: number;
}

export interface HeapVerdict {
  ok: boolean;
  reason?: string;
  warm: HeapSample[];
  slopeMbPerMin?: number;
  fittedStartMb?: number;
  fittedEndMb?: number;
  ratio?: number;
  firstMb?: number;
  lastMb?: number;
  peakMb?: number;
  spanMin?: number;
}

/** A least-squares line through the live heap after warm-up: slope per minute and growth ratio, failing above maxRatio. */
export function heapVerdict(samples: readonly HeapSample[], warmUp: number, maxRatio?: number): HeapVerdict;
