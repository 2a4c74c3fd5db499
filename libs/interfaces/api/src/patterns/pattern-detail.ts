// The pattern detail the API serves is a domain schema (the CLI reads it too); re-exported
// here, where the routes and the UI's types have always taken it from.
export { FeedbackStep, PatternDetail, feedbackHistory } from '@tapio/domain';
