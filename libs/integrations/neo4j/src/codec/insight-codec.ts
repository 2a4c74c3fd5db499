import { entityKey, insightEntityKeys, severityRank, type Feedback, type Insight, type PatternConfidence, type Prediction } from '@tapio/domain';
import { toDateTime, toInteger } from './temporal.js';

export function insightProperties(insight: Insight): Record<string, unknown> {
  return {
    id: insight.id,
    title: insight.title,
    severity: insight.severity,
    severity_rank: toInteger(severityRank(insight.severity)),
    confidence: insight.confidence,
    pattern: insight.pattern ?? null,
    prediction_id: insight.predictionId ?? null,
    root_cause_key: entityKey(insight.rootCause.entity),
    root_cause: insight.rootCause.what,
    entity_keys: insightEntityKeys(insight),
    story: insight.story,
    cluster: insight.cluster ?? null,
    // Folding (one incident per cause): the insight that explains this one, and those this one explains.
    explained_by: insight.explainedBy?.insightId ?? null,
    also_explains: (insight.alsoExplains ?? []).map((fold) => fold.insightId),
    first_seen: toDateTime(insight.firstSeen),
    last_seen: toDateTime(insight.lastSeen),
    created_at: toDateTime(insight.createdAt),
    data: JSON.stringify(insight),
  };
}

export function predictionProperties(prediction: Prediction): Record<string, unknown> {
  return {
    id: prediction.id,
    pattern_id: prediction.patternId,
    insight_id: prediction.insightId ?? null,
    type: prediction.type,
    confidence: prediction.confidence,
    time_horizon: prediction.timeHorizon ?? null,
    message: prediction.message,
    impact: prediction.impact,
    created_at: toDateTime(prediction.createdAt),
    deadline: prediction.deadline ? toDateTime(prediction.deadline) : null,
    result: prediction.result?.status ?? null,
    result_at: prediction.result ? toDateTime(prediction.result.at) : null,
    result_event_id: prediction.result?.eventId ?? null,
    result_reason: prediction.result?.reason ?? null,
    tally_expected: prediction.tally ? toInteger(prediction.tally.expected) : null,
    tally_failed: prediction.tally ? toInteger(prediction.tally.failed) : null,
    tally_healthy: prediction.tally ? toInteger(prediction.tally.healthy) : null,
    tally_gone: prediction.tally ? toInteger(prediction.tally.gone) : null,
    data: JSON.stringify(prediction),
  };
}

export function patternProperties(pattern: PatternConfidence): Record<string, unknown> {
  return {
    id: pattern.patternId,
    name: pattern.patternId,
    base_confidence: pattern.baseConfidence,
    confidence: pattern.confidence,
    accuracy: pattern.accuracy,
    feedback_count: toInteger(pattern.feedbackCount),
    accurate_count: toInteger(pattern.accurateCount),
    occurrences: toInteger(pattern.matches),
    data: JSON.stringify(pattern),
  };
}

export function feedbackProperties(feedback: Feedback): Record<string, unknown> {
  return {
    id: feedback.id,
    prediction_id: feedback.predictionId,
    pattern_id: feedback.patternId,
    accurate: feedback.accurate,
    rating: toInteger(feedback.rating),
    comment: feedback.comment,
    timestamp: toDateTime(feedback.timestamp),
    data: JSON.stringify(feedback),
  };
}

