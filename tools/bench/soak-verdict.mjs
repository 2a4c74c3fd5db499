// The soak's verdict on the live heap after warm-up: a least-squares line through the samples
// (minute, MB), its slope per minute, and the growth over the samples' span as a ratio of the
// fitted heap at the first sample after warm-up (the line's end over its start). Single samples
// after a full collection still vary by a few MB (what the event log and the engine hold at that
// moment), so the fitted line, not the last sample, is what the bar is held to.

/** @param {{ minute: number, liveMb: number }[]} samples every sample of the run, in order; @param {number} warmUp minutes */
export function heapVerdict(samples, warmUp, maxRatio = Number.NaN) {
  const warm = samples.filter((item) => item.minute >= warmUp);
  if (warm.length < 3) return { ok: false, reason: `only ${warm.length} samples after the warm-up of ${warmUp} min: nothing shown (3 needed)`, warm };
  const n = warm.length;
  const meanX = warm.reduce((sum, item) => sum + item.minute, 0) / n;
  const meanY = warm.reduce((sum, item) => sum + item.liveMb, 0) / n;
  const sxx = warm.reduce((sum, item) => sum + (item.minute - meanX) ** 2, 0);
  const sxy = warm.reduce((sum, item) => sum + (item.minute - meanX) * (item.liveMb - meanY), 0);
  const slope = sxx > 0 ? sxy / sxx : 0;
  const at = (minute) => meanY + slope * (minute - meanX);
  const first = warm[0];
  const last = warm[n - 1];
  const start = at(first.minute);
  const end = at(last.minute);
  const ratio = end / start;
  const verdict = {
    warm,
    slopeMbPerMin: slope,
    fittedStartMb: start,
    fittedEndMb: end,
    ratio,
    firstMb: first.liveMb,
    lastMb: last.liveMb,
    peakMb: Math.max(...warm.map((item) => item.liveMb)),
    spanMin: last.minute - first.minute,
  };
  if (Number.isFinite(maxRatio) && !(ratio <= maxRatio)) {
    return { ...verdict, ok: false, reason: `the live heap grew by a ratio of ${ratio.toFixed(3)} after warm-up (fitted ${start.toFixed(1)} -> ${end.toFixed(1)} MB over ${verdict.spanMin.toFixed(1)} min, ${slope.toFixed(2)} MB/min), more than ${maxRatio}` };
  }
  return { ...verdict, ok: true };
}
