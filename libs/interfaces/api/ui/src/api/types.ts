// The UI's types are the API's own schemas (zod, in @tapio/domain and this package's
// sources), imported as types only: nothing of zod or the server lands in the bundle.
export type { ChangeItem, EntityRef, EventSummary, EventType, Feedback, IncidentFold, Insight, Page, PatternConfidence, Severity, WhyAnswer } from '@tapio/domain';
export type { IncidentTimeline, TimelineEvent } from '../../../src/incidents/incident-timeline.ts';
export type { BlastEdge, BlastNode, BlastRadius, FoldedIncident } from '../../../src/incidents/blast-radius.ts';
export type { PredictionAnswer, PredictionOutcome } from '../../../src/incidents/prediction-outcome.ts';
export type { FeedbackStep, PatternDetail, PatternStatus } from '@tapio/domain';
export type { FeedbackResponse } from '../../../src/routes/feedback-routes.ts';
export type { ErrorBody } from '../../../src/server/api-error.ts';
