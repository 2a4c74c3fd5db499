import { EVENT_SEMANTICS } from '@tapio/domain';
import type { ReasonMapping } from './event-reasons.js';
/**
 * The annotation that says for how long a Kubernetes Event has been repeating: seconds from
 * its first occurrence to its last. The kubelet keeps one Event per (object, reason, message)
 * and bumps its count; a readiness probe that fails for a few seconds while an app starts and
 * one that has failed for minutes differ only in this span, not in the message. Patterns read
 * it (`annotations.event.repeating_seconds`) to tell a transient hiccup from trouble that
 * persists without waiting for Kubernetes' own deadlines (a rollout's is ten minutes).
 */
export const REPEATING_SECONDS = 'event.repeating_seconds';

/**
 * `first`: the Event's firstTimestamp (core/v1), or its eventTime when it has a series
 * (events.k8s.io/v1); `last`: its lastTimestamp or series.lastObservedTime. Nothing when the
 * Event happened once or either time is missing or unreadable.
 */
export function repetitionAnnotation(count: number, first: string | undefined, last: string | undefined): Record<string, string> {
  if (count < 2 || first === undefined || last === undefined) return {};
  const span = Date.parse(last) - Date.parse(first);
  if (!Number.isFinite(span) || span < 0) return {};
  return { [REPEATING_SECONDS]: String(Math.floor(span / 1000)) };
}

/** The least time between two tellings of a repeating Event on account of its time alone. */
export const MIN_RETELL_MS = 30_000;

/**
 * How long after its last telling (at `toldAt`) a still-repeating Event is told again even
 * though its count has not doubled: half of how long it had been repeating then, at least
 * MIN_RETELL_MS, at most `refoldMs`. Counts alone tell an Event that repeats slowly too
 * rarely (a kubelet retry every 12 s doubles its count at 84 s, next at 180 s), so the span
 * a pattern reads would lag the truth by up to half; told again as its span grows by half,
 * the span last told is never less than two thirds of the real one, and a long repetition is
 * still a handful of signals (`firstMs`: its first occurrence, NaN when unknown).
 */
export function retellAfterMs(toldAt: number, firstMs: number, refoldMs: number): number {
  const spanThen = Number.isFinite(firstMs) ? Math.max(0, toldAt - firstMs) : 0;
  return Math.min(refoldMs, Math.max(MIN_RETELL_MS, spanThen / 2));
}

/**
 * An Event's message on one line: a probe's output often ends in a newline or spans several
 * ("wget: can't connect to remote host ...: Connection refused\n"), which would break every
 * one-line rendering of it (the story's tree, the CLI's tables, a Slack line).
 */
export function oneLine(message: string): string {
  return message.includes('\n') || message.includes('\r') ? message.replace(/\s*[\r\n]+\s*/g, ' ').trim() : message;
}

/**
 * How old an Event's last occurrence may be at its first sight and still be news: a watch's
 * starting list repeats the last hour of Events, and trouble that is still going on is said
 * again within minutes (the kubelet's back-off restarts, the scheduler's retries of a pod it
 * cannot place come at most five minutes apart), so an older one is over.
 */
export const HISTORY_MS = 10 * 60_000;

/**
 * A failure Event seen for the first time ten minutes or more after it last happened (a Job
 * that gave up forty minutes before Tapio started) is history: kept as a plain Kubernetes event
 * of severity info, with `event.history_seconds` (how old it was), so the graph and timelines
 * still show it but no pattern takes it for trouble of now. `firstSight`: no earlier version of
 * this Event was seen; `last`: its lastTimestamp (or series / event time); `at`: when seen.
 */
export function asHistory(mapping: ReasonMapping, firstSight: boolean, last: string | undefined, at: number): ReasonMapping & { historySeconds?: number } {
  const age = last === undefined ? Number.NaN : at - Date.parse(last);
  if (!firstSight || !Number.isFinite(age) || age < HISTORY_MS || !EVENT_SEMANTICS[mapping.type].failure) return mapping;
  return { type: 'k8s_event', severity: 'info', historySeconds: Math.floor(age / 1000) };
}

/** The annotation of an Event told as history (asHistory). */
export function historyAnnotation(mapping: { historySeconds?: number }): Record<string, string> {
  return mapping.historySeconds === undefined ? {} : { 'event.history_seconds': String(mapping.historySeconds) };
}
