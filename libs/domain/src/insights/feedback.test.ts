import { describe, expect, it } from 'vitest';
import { adjustedConfidence, feedbackId, patternStanding, patternStatus } from './feedback.js';
import { FeedbackPolicy } from './feedback-policy.js';
import { feedbackHistory } from './pattern-history.js';

describe('adjustedConfidence', () => {
  it('keeps the base without verdicts and moves toward the share of right verdicts, as seed 002 tells (0.75 → 0.82)', () => {
    expect(adjustedConfidence(0.75, 0, 0)).toBe(0.75);
    expect(adjustedConfidence(0.75, 1, 1)).toBeCloseTo(0.82, 2);
    expect(adjustedConfidence(0.75, 0, 1)).toBeLessThan(0.75);
    // A hundred verdicts settle near the real accuracy.
    expect(adjustedConfidence(0.75, 60, 100)).toBeCloseTo(0.604, 2);
  });

  it('never goes above maxConfidence, however many right verdicts', () => {
    expect(adjustedConfidence(0.9, 10_000, 10_000)).toBe(0.99);
    expect(adjustedConfidence(0.9, 10, 10, FeedbackPolicy.parse({ maxConfidence: 0.95 }))).toBe(0.95);
  });
});

describe('patternStatus', () => {
  it('is learning below minVerdicts, then retired, active or promoted by the thresholds', () => {
    expect(patternStatus(0.1, 2)).toBe('learning');
    expect(patternStatus(0.29, 3)).toBe('retired');
    expect(patternStatus(0.5, 3)).toBe('active');
    expect(patternStatus(0.9, 3)).toBe('promoted');
    expect(patternStatus(0.5, 1, FeedbackPolicy.parse({ minVerdicts: 1, promoteAbove: 0.5 }))).toBe('promoted');
  });

  it('retires a pattern after enough wrong verdicts and promotes one after enough right ones', () => {
    expect(patternStanding('p', 0.85, { accurate: 0, total: 5 }, 7)).toMatchObject({ status: 'retired', matches: 7, accuracy: 0 });
    expect(patternStanding('p', 0.85, { accurate: 3, total: 3 }, 7).status).toBe('promoted');
    expect(patternStanding('p', 0.6, { accurate: 3, total: 3 }, 7).status).toBe('active');
  });

  it('refuses thresholds that cross', () => {
    expect(FeedbackPolicy.safeParse({ retireBelow: 0.9, promoteAbove: 0.5 }).success).toBe(false);
  });
});

describe('feedbackId and history', () => {
  it('gives a user the same id on a prediction (a repeat replaces it), another user another', () => {
    expect(feedbackId('pred-1', 'alice')).toBe(feedbackId('pred-1', 'alice'));
    expect(feedbackId('pred-1', 'alice')).not.toBe(feedbackId('pred-1', 'bob'));
    expect(feedbackId('pred-1', 'alice')).not.toBe(feedbackId('pred-2', 'alice'));
  });

  it('tells the confidence and status after each verdict: where the status changes, the pattern was retired or promoted', () => {
    const verdict = (index: number, accurate: boolean) => ({ id: `f${index}`, predictionId: `p${index}`, patternId: 'x', accurate, rating: 0 as const, comment: '', timestamp: `2026-03-02T10:0${index}:00Z`, user: `u${index}` });
    const history = feedbackHistory(0.85, [0, 1, 2, 3, 4].map((index) => verdict(index, false)));
    expect(history.map((step) => step.statusAfter)).toEqual(['learning', 'learning', 'active', 'active', 'retired']);
    expect(history[4]?.confidenceAfter).toBeCloseTo((0.85 * 2.5) / 7.5, 10);
    expect(history.map((step) => step.user)).toEqual(['u0', 'u1', 'u2', 'u3', 'u4']);
  });
});
