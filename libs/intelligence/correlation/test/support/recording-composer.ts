import { insightWith, type Prediction } from '@tapio/domain';
import type { ComposeInsight, IncidentDraft } from '../../src/incidents/incident.js';
import { iso } from '../../src/story/entity-refs.js';

/** A composer that tells what it was given: the drafts, copied as they were, and an insight made of them. */
export function recordingComposer() {
  const drafts: Array<IncidentDraft & { symptomKeys: string[] }> = [];
  const compose: ComposeInsight = (draft) => {
    drafts.push({ ...draft, symptomKeys: [...draft.symptoms.keys()] });
    const firstSeen = draft.firstSeen ?? iso(draft.rootEvent.at);
    const pattern = draft.match.pattern;
    const insight = insightWith({
      id: draft.id,
      title: pattern.name,
      severity: pattern.pattern.spec.severity,
      confidence: 0.5,
      pattern: pattern.name,
      predictionId: `pred-${draft.id}`,
      rootCause: { entity: { kind: 'ConfigMap', name: draft.rootKey }, what: draft.rootEvent.event.message },
      symptoms: [...draft.symptoms.keys()].map((key) => ({ kind: 'Pod', name: key })),
      previousOccurrences: [...draft.previous.times],
      firstSeen,
      lastSeen: iso(Math.max(draft.match.trigger.at, Date.parse(draft.lastSeen ?? firstSeen))),
      createdAt: firstSeen,
    });
    const prediction: Prediction = { id: `pred-${draft.id}`, patternId: pattern.name, insightId: draft.id, type: 'outage', confidence: 0.5, message: '', impact: [], createdAt: firstSeen };
    return { insight, prediction };
  };
  return { drafts, compose };
}

