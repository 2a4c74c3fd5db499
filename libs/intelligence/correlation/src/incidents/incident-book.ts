import { severityRank, type IndexedEvent, type Insight, type Prediction } from '@tapio/domain';
import { deterministicId } from './ids.js';
import { rankInsights } from './insight-ranking.js';
import type { PatternMatch } from '../patterns/pattern-matcher.js';
import { iso } from '../story/entity-refs.js';
import type { ComposeInsight, ComposedInsight, Incident } from './incident.js';
import type { IncidentRoot } from './incident-root.js';

export interface IncidentBookOptions {
  /** A new match with the same root cause within this time (event time) joins the open incident. */
  mergeWindowMs?: number;
}

/** Adds the match's symptom events (from its symptom step on) that are not the root itself. */
function addSymptoms(symptoms: Map<string, IndexedEvent>, match: PatternMatch, rootKey: string): void {
  for (const event of match.events.slice(match.pattern.symptomStep)) {
    if (!event.entityKey || event.entityKey === rootKey) continue;
    if (!symptoms.has(event.entityKey)) symptoms.set(event.entityKey, event);
  }
}

/**
 * The incident book: one incident per root cause at a time. A match whose root has an
 * open incident (last seen within the merge window) joins it: new symptoms, or a pattern of
 * higher priority (or equal priority and higher severity), recompose its insight; a repeat
 * only moves its last-seen time. Otherwise the match opens a new incident, and the previous
 * one's start joins the history of its pattern and root ("the same thing happened three days ago").
 */
export class IncidentBook {
  private readonly incidents = new Map<string, Incident>();
  private readonly openByRoot = new Map<string, string>();
  private readonly history = new Map<string, string[]>();
  private readonly mergeWindowMs: number;

  constructor(options: IncidentBookOptions = {}) {
    this.mergeWindowMs = options.mergeWindowMs ?? 60 * 60_000;
  }

  /**
   * Records a match resolved to `root`. Returns the incident's new insight when the match
   * opened an incident or changed what its insight says; undefined when it changed nothing
   * worth telling.
   */
  admit(match: PatternMatch, root: IncidentRoot, compose: ComposeInsight): ComposedInsight | undefined {
    const { rootKey, rootEvent, path } = root;
    const openId = this.openByRoot.get(rootKey);
    const open = openId ? this.incidents.get(openId) : undefined;
    if (open && match.trigger.at - Date.parse(open.insight.lastSeen) <= this.mergeWindowMs) return this.extend(open, match, root, compose);
    const historyKey = `${match.pattern.name}|${rootKey}`;
    const previous = this.history.get(historyKey) ?? [];
    if (open) {
      previous.push(open.insight.firstSeen);
      this.history.set(historyKey, previous);
    }
    const id = deterministicId('ins', rootKey, rootEvent.event.id);
    const symptoms = new Map<string, IndexedEvent>();
    addSymptoms(symptoms, match, rootKey);
    const composed = compose({ id, rootKey, match, rootEvent, path, symptoms, previousOccurrences: [...previous], firstSeen: undefined, lastSeen: undefined });
    this.incidents.set(id, { id, rootKey, priority: match.pattern.pattern.spec.priority, match, rootEvent, path, symptoms, ...composed });
    this.openByRoot.set(rootKey, id);
    return composed;
  }

  private extend(incident: Incident, match: PatternMatch, root: IncidentRoot, compose: ComposeInsight): ComposedInsight | undefined {
    const before = incident.symptoms.size;
    const spec = match.pattern.pattern.spec;
    const upgrade =
      spec.priority > incident.priority ||
      (spec.priority === incident.priority && match.pattern.name !== incident.insight.pattern && severityRank(spec.severity) > severityRank(incident.insight.severity));
    addSymptoms(incident.symptoms, match, root.rootKey);
    if (!upgrade && incident.symptoms.size === before) {
      incident.insight = { ...incident.insight, lastSeen: iso(Math.max(Date.parse(incident.insight.lastSeen), match.trigger.at)) };
      return undefined;
    }
    if (upgrade) {
      incident.priority = spec.priority;
      incident.match = match;
      if (root.rootEvent.at < incident.rootEvent.at) {
        incident.rootEvent = root.rootEvent;
        incident.path = root.path;
      }
    }
    const previous = this.history.get(`${incident.match.pattern.name}|${incident.rootKey}`) ?? [];
    const composed = compose({
      id: incident.id,
      rootKey: incident.rootKey,
      match: incident.match,
      rootEvent: incident.rootEvent,
      path: incident.path,
      symptoms: incident.symptoms,
      previousOccurrences: [...previous],
      firstSeen: incident.insight.firstSeen,
      lastSeen: incident.insight.lastSeen,
    });
    incident.insight = composed.insight;
    incident.prediction = composed.prediction;
    return composed;
  }

  /** Gives every incident of `patternId` a new confidence (feedback changed the pattern's accuracy); returns their insights. */
  reRate(patternId: string, confidenceOf: (incident: Incident) => number): Insight[] {
    const updated: Insight[] = [];
    for (const incident of this.incidents.values()) {
      if (incident.insight.pattern !== patternId) continue;
      const confidence = confidenceOf(incident);
      incident.insight = { ...incident.insight, confidence };
      incident.prediction = { ...incident.prediction, confidence };
      updated.push(incident.insight);
    }
    return updated;
  }

  /** Every incident's insight, most likely first. */
  insights(): Insight[] {
    return [...this.incidents.values()].map((incident) => incident.insight).sort(rankInsights);
  }

  predictions(): Prediction[] {
    return [...this.incidents.values()].map((incident) => incident.prediction);
  }

  get size(): number {
    return this.incidents.size;
  }
}
