import { describe, expect, it } from 'vitest';
import { restateConfidence, tellStory, type StoryInput } from './story.js';

const input: StoryInput = {
  rootCause: { entity: { kind: 'ConfigMap', namespace: 'shop', name: 'checkout-config' }, what: 'data changed', at: '2026-03-02T10:00:00Z' },
  chain: [{ at: '2026-03-02T10:01:00Z', text: 'Pod shop/checkout-1 restarted' }],
  symptoms: [{ kind: 'Pod', namespace: 'shop', name: 'checkout-1' }],
  symptomSummary: '1 pod restarting',
  owners: [],
  nodes: ['node-1'],
  services: [],
  ingresses: [],
  mountedBy: 1,
  previousOccurrences: [],
  confidence: 0.79,
  pattern: 'config-cascade',
  headline: 'Confidence: 12% of the lines changed',
  nextCheck: 'kubectl describe configmap checkout-config',
};

describe('restateConfidence', () => {
  it('changes the confidence line and nothing else, as telling the story again with the new confidence would', () => {
    const story = tellStory(input);
    expect(story).toContain('  ├─ Confidence: 79% (config-cascade)');
    const restated = restateConfidence(story, 0.8149);
    expect(restated).toBe(tellStory({ ...input, confidence: 0.8149 }));
    expect(restated).toContain('  ├─ Confidence: 81% (config-cascade)');
    // The headline that happens to start with the same word is not the confidence line.
    expect(restated).toContain('  ├─ Confidence: 12% of the lines changed');
  });

  it('keeps a story without a confidence line as it is', () => {
    expect(restateConfidence('2026-03-02T10:00:00Z: something\n  └─ Next: look', 0.5)).toBe('2026-03-02T10:00:00Z: something\n  └─ Next: look');
  });
});
