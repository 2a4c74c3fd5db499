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

  it('is given in whole percent, so learning that moves the pattern by less than half a percent changes nothing', () => {
    // 0.9 × 0.925 = 0.8325; 0.9031 × 0.925 = 0.8354; 0.9061 × 0.925 = 0.8381.
    expect(incidentConfidence(0.9, 1, 3)).toBe(0.83);
    expect(incidentConfidence(0.9031, 1, 3)).toBe(0.84);
    expect(incidentConfidence(0.9061, 1, 3)).toBe(0.84);
    for (let pattern = 0; pattern <= 1; pattern += 0.0137) {
      const confidence = incidentConfidence(pattern, 2, 2);
      expect(Math.round(confidence * 100) / 100).toBe(confidence);
      expect(Math.abs(confidence - pattern * evidenceFactor(2, 2))).toBeLessThanOrEqual(0.005 + 1e-12);
    }
  });
});
