import { formatEntity, type EntityRef, type IndexedEvent, type Insight, type Prediction } from '@tapio/domain';
import type { ComposedInsight, IncidentDraft } from '../incidents/incident.js';
import { deterministicId } from '../incidents/ids.js';
import type { CausalPath } from '../rootcause/find-root-cause.js';
import type { WorkingState } from '../state/working-state.js';
import { affectedEntities, blastRadius, mountedByCount, type RadiusAnswers } from './blast-radius.js';
import { causalChain, chainLinks } from './causal-chain.js';
import { iso, refOf } from './entity-refs.js';
import { rateIncident, type ConfidenceEvidence } from '../predictions/prediction-confidence.js';
import { closedWarning, predictionStoryLines, toldPredictions } from '../predictions/prediction-story.js';
import { issuedTerms } from '../predictions/issued-terms.js';
import { predictionSubject } from '../predictions/prediction-subject.js';
import { rootCauseText } from './root-cause-text.js';
import { tellStory } from './story.js';
import { eventTypeWords, groupSymptoms } from './symptom-groups.js';
import { renderTemplate } from './template.js';
import { templateValues } from './template-values.js';

/** What the composer reads besides the incident: the topology and recent events, causal walks, and feedback. */
export interface ComposerContext {
  state: WorkingState;
  /** Topology answers kept while the nodes they were read from are unchanged (the engine's shared lookups); else the state's. */
  lookups?: RadiusAnswers;
  /** The causal path from an event back to its earliest cause. */
  walk(start: IndexedEvent): CausalPath;
  /** A pattern's confidence after feedback, from its base confidence. */
  patternConfidence(patternName: string, base: number): number;
  /** Predictions with a deadline tracked for an incident (open or judged by later events): its story tells them. */
  predictionsOf?(insightId: string): Prediction[];
  /** The pattern's standing after feedback (learning, active, promoted, retired); the story names a promoted one. */
  patternStatus?(patternName: string, base: number): string;
}

/**
 * Composes an incident's insight and prediction: the root cause and what happened to it,
 * the causal chain, the symptoms and what they touch (owners, Services, Ingresses, nodes),
 * the confidence, the pattern's texts with their values filled in, and the story. Reads
 * only; the same draft in the same state gives the same insight.
 */
export function composeInsight(draft: IncidentDraft, context: ComposerContext): ComposedInsight {
  const { id, rootKey, match, rootEvent } = draft;
  const { state } = context;
  const pattern = match.pattern;
  const spec = pattern.pattern.spec;
  // Each entity's ref read once per composition: the symptoms, owners and Services are named by the insight, the story and the affected list alike.
  const refs = new Map<string, EntityRef>();
  const ref = (key: string): EntityRef => {
    let found = refs.get(key);
    if (found === undefined) refs.set(key, (found = refOf(key, state)));
    return found;
  };
  const rootRef = ref(rootKey);

  const radius = blastRadius(context.lookups ?? state, [...draft.symptoms.keys()], rootKey);
  const chain = causalChain(state, match, rootEvent, draft.path, context.walk(match.symptomStepEvent));
  const links = chainLinks(state, chain);
  const symptoms = groupSymptoms(draft.symptoms);
  const symptomRefs = symptoms.ordered.map((symptom) => ref(symptom.key));
  const root = rootCauseText(state, rootKey, rootEvent);
  const { terms, cascade } = issuedTerms(state, draft, pattern.prediction, rootRef, radius.pods);
  const evidence: ConfidenceEvidence = { symptomCount: radius.symptomKeys.length, chainLength: links.length, ...(terms ? { trendFactor: terms.confidenceFactor } : {}) };
  const rated = rateIncident(context.patternConfidence(pattern.name, pattern.baseConfidence), evidence);
  const confidence = rated.insight;

  const users = mountedByCount(state, rootKey, rootRef);
  const values = templateValues(state, match, rootRef, { symptoms: symptomRefs.length, pods: radius.pods.length, users }, draft.path);
  const [firstCheck] = spec.nextChecks ?? [];
  const nextCheck = firstCheck !== undefined ? renderTemplate(firstCheck, values) : `Look at what changed on ${formatEntity(rootRef)} just before ${rootEvent.event.timestamp}`;
  const previousOccurrences = [...draft.previous.times];
  // One prediction per incident, pattern and container: two containers of a pod growing toward their limits are two predictions.
  const subject = predictionSubject(match);
  const predictionId = deterministicId('pred', id, pattern.name, ...(subject ? [subject] : []));
  const firstSeen = draft.firstSeen ?? iso(Math.min((root.first ?? rootEvent).at, match.trigger.at));
  const predicted = pattern.prediction;
  // A prediction that says what will happen by when is issued with its evidence and judged by later events.
  const prediction: Prediction = {
    id: predictionId,
    patternId: pattern.name,
    insightId: id,
    type: predicted.type,
    confidence: rated.prediction,
    ...(predicted.time_horizon ? { timeHorizon: predicted.time_horizon } : {}),
    message: renderTemplate(predicted.message, values),
    impact: predicted.impact,
    createdAt: terms?.issuedAt ?? firstSeen,
    ...(terms ? { expects: terms.expects, deadline: terms.deadline } : {}),
    ...(cascade ? { tally: { expected: cascade.pending.length, failed: 0, healthy: 0, gone: 0 } } : {}),
  };
  // What later events said of the incident's predictions (this one and those issued before another pattern named it).
  const tracked = context.predictionsOf?.(id) ?? [];
  // A cascade's incident is its failing pods, not a warning: pods that did not follow do not close it.
  const closed = closedWarning(tracked, predictionId, terms !== undefined && !cascade);
  const story = tellStory({
    rootCause: { entity: rootRef, what: root.storyWhat, at: (root.first ?? rootEvent).event.timestamp },
    chain: chain.events.slice(1).map((item) => ({ at: item.event.timestamp, text: item.event.message })).slice(0, 6),
    symptoms: symptoms.told.map((symptom) => ref(symptom.key)),
    symptomSummary: symptoms.summary,
    otherSymptoms: symptoms.others.map((symptom) => ({ entity: ref(symptom.key), what: eventTypeWords(symptom.event.event.type) })),
    owners: [...radius.owners].filter((key) => !/\/ReplicaSet\//.test(key)).map(ref),
    nodes: [...radius.nodes].sort(),
    services: [...radius.services].map(ref),
    ingresses: [...radius.ingresses].map(ref),
    mountedBy: users,
    previousOccurrences,
    previousCount: draft.previous.count,
    predictions: predictionStoryLines(toldPredictions(tracked, prediction)),
    confidence,
    pattern: pattern.name,
    ...(context.patternStatus?.(pattern.name, pattern.baseConfidence) === 'promoted' ? { patternStatus: 'promoted' } : {}),
    headline: spec.story ? renderTemplate(spec.story, values) : undefined,
    nextCheck,
  });

  const insight: Insight = {
    id,
    title: `${pattern.name}: ${formatEntity(rootRef)}`,
    severity: closed ? 'low' : spec.severity,
    confidence,
    pattern: pattern.name,
    predictionId,
    rootCause: { entity: rootRef, eventId: (root.first ?? rootEvent).event.id, eventType: rootEvent.event.type, timestamp: (root.first ?? rootEvent).event.timestamp, what: root.what },
    symptoms: symptomRefs,
    chain: links,
    affected: affectedEntities(state, radius, rootRef, ref),
    story,
    nextChecks: (spec.nextChecks ?? []).map((check) => renderTemplate(check, values)),
    previousOccurrences,
    eventIds: [...new Set([...chain.events.map((item) => item.event.id), ...[...draft.symptoms.values()].map((item) => item.event.id)])],
    firstSeen,
    lastSeen: iso(Math.max(match.trigger.at, Date.parse(draft.lastSeen ?? firstSeen))),
    createdAt: firstSeen,
    ...(rootRef.cluster ? { cluster: rootRef.cluster } : {}),
  };
  return { insight, prediction, evidence, ...(cascade ? { cascade } : {}) };
}
