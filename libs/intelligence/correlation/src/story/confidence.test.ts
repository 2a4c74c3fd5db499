import { describe, expect, it } from 'vitest';
import { evidenceFactor, incidentConfidence } from './confidence.js';

describe('incident confidence', () => {
  it('a bare match (one symptom, no chain) keeps 85% of the pattern confidence', () => {
    expect(evidenceFactor(1, 1)).toBeCloseTo(0.85, 10);
  });

  it('a causal chain and more symptoms add evidence, up to the full pattern confidence', () => {
    expect(evidenceFactor(1, 3)).toBeCloseTo(0.925, 10);
    expect(evidenceFactor(2, 1)).toBeCloseTo(0.875, 10);
    expect(evidenceFactor(4, 2)).toBeCloseTo(1, 10);
    expect(evidenceFactor(40, 2)).toBeCloseTo(1, 10);
  });

  it('weighs the pattern confidence and never exceeds 1', () => {
    expect(incidentConfidence(0.8, 1, 1)).toBeCloseTo(0.68, 10);
    expect(incidentConfidence(1, 10, 5)).toBeCloseTo(1, 10);
    expect(incidentConfidence(1.5, 10, 5)).toBe(1);
  });
});
