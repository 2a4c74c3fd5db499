import { describe, expect, it } from 'vitest';
import { predictionResultText } from './text.js';

const deadline = '2026-03-02T14:30:00Z';
const tally = { expected: 5, failed: 2, healthy: 1, gone: 0 };

describe('predictionResultText (tapio insights ID)', () => {
  it('tells a prediction about several pods with its counts, open or judged', () => {
    expect(predictionResultText({ deadline, tally })).toBe('open, expected by 14:30: 2 of 5 failed, 1 restarted healthy so far');
    expect(predictionResultText({ deadline, tally, result: { status: 'partly_true', at: '2026-03-02T14:21:00Z' } })).toBe('partly right (14:21): 2 of 5 failed, 1 restarted healthy');
    expect(predictionResultText({ deadline, tally: { ...tally, failed: 5, healthy: 0 }, result: { status: 'came_true', at: '2026-03-02T14:12:00Z', eventId: 'evt-1' } })).toBe('came true 14:12 (evt-1): 5 of 5 failed, 0 restarted healthy');
  });

  it('a prediction about one event reads as before', () => {
    expect(predictionResultText({ deadline, result: { status: 'did_not_happen', at: deadline } })).toBe('did not happen (deadline 14:30)');
    expect(predictionResultText({ deadline })).toBe('open, expected by 14:30');
  });
});
