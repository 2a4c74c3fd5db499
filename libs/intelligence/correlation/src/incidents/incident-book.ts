import { entityKeyKind, severityRank, type IndexedEvent, type Insight, type Prediction } from '@tapio/domain';
import type { PatternMatch } from '../patterns/pattern-matcher.js';
import { iso } from '../story/entity-refs.js';
import { restateConfidence } from '../story/story.js';
import { deterministicId } from './ids.js';
import type { ComposeInsight, ComposedInsight, Incident } from './incident.js';
import { BookRoots, insightRootKey } from './book-roots.js';
import type { BookRootsView } from './fold-members.js';
import type { IncidentRoot } from './incident-root.js';
import { rankInsights } from './insight-ranking.js';
import { foldLink } from './root-views.js';
import { OccurrenceHistory, type OccurrenceHistoryLimits } from './occurrence-history.js';
import { predictionSubject } from '../predictions/prediction-subject.js';

export interface IncidentBookOptions extends OccurrenceHistoryLimits {
  /** A new match with the same root cause within this time (event time) joins the open incident. */
  mergeWindowMs?: number;
  /**
   * An incident leaves the book once it was last seen this long before the newest event
   * (at least the merge window: it is closed by then). Its insight stays in the graph.
   */
  retainMs?: number;
  /** Incidents kept at most; beyond, those last seen longest ago leave first. */
  maxIncidents?: number;
  /**
   * What "the same root" means for previous occurrences: a pod's workload (a new pod of the
   * same Deployment is the same root), otherwise the root itself. Default: the root itself.
   */
  historyKeyOf?: (rootKey: string) => string;
  /**
   * A repeat that moves an incident's last-seen time this far (event time) past the last
   * version returned is returned as a version of its own (`AdmittedInsight.lastSeenOnly`).
   */
  lastSeenStepMs?: number;
}

/**
 * What `admit` returns: the incident's new insight and prediction, or (`lastSeenOnly`) its
 * insight as it stands with a later last-seen time, its prediction unchanged.
 */
export type AdmittedInsight = ComposedInsight & { lastSeenOnly?: true };

export const DEFAULT_MERGE_WINDOW_MS = 60 * 60_000;
export const DEFAULT_RETAIN_MS = 2 * 60 * 60_000;
export const DEFAULT_MAX_INCIDENTS = 10_000;
/**
 * Five minutes: the graph's last-seen time of a running incident stays that close to the
 * truth, and the outputs, which take an incident without news for the merge window as ended,
 * hear of one that goes on.
 */
export const DEFAULT_LAST_SEEN_STEP_MS = 5 * 60_000;

/** Adds the match's symptom events (from its first symptom step on) that are not the root itself. */
function addSymptoms(symptoms: Map<string, IndexedEvent>, match: PatternMatch, rootKey: string): void {
  for (const event of match.events.slice(match.pattern.firstSymptomStep)) {
    if (!event.entityKey || event.entityKey === rootKey) continue;
    if (!symptoms.has(event.entityKey)) symptoms.set(event.entityKey, event);
  }
}

const isQuiet = (severity: string): boolean => severity === 'info' || severity === 'low';

/**
 * The incident book: one incident per root cause at a time. A match whose root has an
 * open incident (last seen within the merge window) joins it: new symptoms, or a pattern of
 * higher priority (or equal priority and higher severity; a loud one over a quiet one, never
 * the reverse), recompose its insight; a repeat
 * only moves its last-seen time. Otherwise the match opens a new incident. An incident that
 * is over (replaced, or gone from the book) joins the history of its pattern and root
 * ("the same thing happened three days ago").
 *
 * Bounded: incidents leave `retainMs` after they were last seen (event time), and the
 * oldest leave first beyond `maxIncidents`; the history keeps counts (see OccurrenceHistory).
 */
export class IncidentBook {
  private readonly incidents = new Map<string, Incident>();
  /** The latest incident of each root cause still in the book. */
  private readonly latestByRoot = new Map<string, string>();
  private readonly history: OccurrenceHistory;
  /** Incidents in the book by the kind of their root, so a question like "any rooted at a Service?" costs nothing. */
  private readonly rootKinds = new Map<string, number>();
  /** The insights' root keys, counted as they come and go (what folding reads). */
  private readonly insightRoots = new BookRoots();
  /** Incidents whose root was judged the consumer behind a node's pressure, by episode (IncidentRoot.episode). */
  private readonly episodes = new Map<string, Set<string>>();
  private readonly mergeWindowMs: number;
  private readonly retainMs: number;
  private readonly maxIncidents: number;
  private readonly historyKeyOf: (rootKey: string) => string;
  private readonly lastSeenStepMs: number;
  private nextSweepAt = Number.NEGATIVE_INFINITY;

  constructor(options: IncidentBookOptions = {}) {
    this.mergeWindowMs = options.mergeWindowMs ?? DEFAULT_MERGE_WINDOW_MS;
    this.retainMs = Math.max(this.mergeWindowMs, options.retainMs ?? DEFAULT_RETAIN_MS);
    this.maxIncidents = Math.max(1, options.maxIncidents ?? DEFAULT_MAX_INCIDENTS);
    this.history = new OccurrenceHistory(options);
    this.historyKeyOf = options.historyKeyOf ?? ((rootKey) => rootKey);
    this.lastSeenStepMs = options.lastSeenStepMs ?? DEFAULT_LAST_SEEN_STEP_MS;
  }

  /** Takes an incident stored in the graph (an earlier run's) as a previous occurrence of its pattern on its root. */
  rememberOccurrence(pattern: string, rootKey: string, firstSeen: string, incidentId: string): void {
    this.history.record(pattern, this.historyKeyOf(rootKey), firstSeen, incidentId);
  }

  /**
   * Records a match resolved to `root`. Returns the incident's new insight when the match
   * opened an incident or changed what its insight says; undefined when it changed nothing
   * worth telling.
   */
  admit(match: PatternMatch, root: IncidentRoot, compose: ComposeInsight): AdmittedInsight | undefined {
    const { rootKey, rootEvent, path } = root;
    const latestId = this.latestByRoot.get(rootKey);
    const latest = latestId ? this.incidents.get(latestId) : undefined;
    if (latest && match.trigger.at - Date.parse(latest.insight.lastSeen) <= this.mergeWindowMs) return this.extend(latest, match, root, compose);
    if (latest) this.history.record(latest.match.pattern.name, latest.historyKey, latest.insight.firstSeen, latest.id);
    const id = deterministicId('ins', rootKey, rootEvent.event.id);
    const symptoms = new Map<string, IndexedEvent>();
    addSymptoms(symptoms, match, rootKey);
    const historyKey = this.historyKeyOf(rootKey);
    const previous = this.history.of(match.pattern.name, historyKey, id);
    const composed = compose({ id, rootKey, match, rootEvent, path, symptoms, previous, firstSeen: undefined, lastSeen: undefined });
    const incident: Incident = { id, rootKey, historyKey, priority: match.pattern.pattern.spec.priority, match, rootEvent, path, symptoms, ...composed, toldLastSeenMs: Date.parse(composed.insight.lastSeen) };
    this.incidents.set(id, incident);
    this.noteEpisode(incident, root.episode);
    this.countRoot(rootKey, 1);
    this.insightRoots.add(id, insightRootKey(composed.insight));
    this.latestByRoot.set(rootKey, id);
    if (this.incidents.size > this.maxIncidents) this.dropOldest();
    return composed;
  }

  private extend(incident: Incident, match: PatternMatch, root: IncidentRoot, compose: ComposeInsight): AdmittedInsight | undefined {
    this.noteEpisode(incident, root.episode);
    const before = incident.symptoms.size;
    const spec = match.pattern.pattern.spec;
    const byPriority = spec.priority > incident.priority || (spec.priority === incident.priority && match.pattern.name !== incident.insight.pattern && severityRank(spec.severity) > severityRank(incident.insight.severity));
    // Two readings of one symptom: the higher priority (the more specific) names it, quiet or not
    // (a Service emptied by a scale to zero, not an outage). Other symptoms of the same root: a
    // quiet pattern (info, low) never names an incident a louder one names, whatever its
    // priority, and a loud one takes over a quiet one: users failing through that root are the news.
    const quietNow = isQuiet(incident.match.pattern.pattern.spec.severity);
    const upgrade = match.trigger.event.id === incident.match.trigger.event.id || quietNow === isQuiet(spec.severity) ? byPriority : quietNow;
    // The same pattern predicting about another container of the incident: a prediction of its own (the match becomes the latest).
    const newSubject = !upgrade && match.pattern.name === incident.match.pattern.name && predictionSubject(match) !== predictionSubject(incident.match);
    if (newSubject) incident.match = match;
    addSymptoms(incident.symptoms, match, root.rootKey);
    if (!upgrade && !newSubject && incident.symptoms.size === before) {
      const lastSeen = Math.max(Date.parse(incident.insight.lastSeen), match.trigger.at);
      incident.insight = { ...incident.insight, lastSeen: iso(lastSeen) };
      this.insightRoots.touch(incident.id);
      // A repeat is no news, but an incident that goes on says so now and then: nothing else
      // would (a re-rating no longer outputs incidents whose confidence stayed).
      if (lastSeen - incident.toldLastSeenMs < this.lastSeenStepMs) return undefined;
      incident.toldLastSeenMs = lastSeen;
      return { insight: incident.insight, prediction: incident.prediction, lastSeenOnly: true };
    }
    if (upgrade) {
      incident.priority = spec.priority;
      incident.match = match;
      if (root.rootEvent.at < incident.rootEvent.at) {
        incident.rootEvent = root.rootEvent;
        incident.path = root.path;
      }
    }
    return this.recompose(incident, compose);
  }

  private noteEpisode(incident: Incident, episode: string | undefined): void {
    if (!episode || incident.episodes?.has(episode)) return;
    (incident.episodes ??= new Set()).add(episode);
    let ids = this.episodes.get(episode);
    if (!ids) this.episodes.set(episode, (ids = new Set()));
    ids.add(incident.id);
  }

  /** The open incidents (last seen within the merge window of `nowMs`) whose root was judged a consumer in `episode`. */
  inEpisode(episode: string, nowMs: number): Incident[] {
    const open: Incident[] = [];
    for (const id of this.episodes.get(episode) ?? []) {
      const incident = this.incidents.get(id);
      if (incident && nowMs - Date.parse(incident.insight.lastSeen) <= this.mergeWindowMs) open.push(incident);
    }
    return open;
  }

  /**
   * An incident whose root is judged again (a consumer named from a victim's figure, before
   * the real consumer's came): it is about `root` from now on, its former root one of its
   * symptoms, and no occurrence of that root goes to the history (it never had the trouble).
   * When `root` has an open incident already, that one takes this one's symptoms and this one
   * leaves the book: its last version is returned as explained by it (`reason`).
   */
  reRoot(id: string, root: IncidentRoot, match: PatternMatch, compose: ComposeInsight, reason: string): AdmittedInsight[] {
    const incident = this.incidents.get(id);
    if (!incident || incident.rootKey === root.rootKey) return [];
    const former = incident.rootEvent;
    if (former.entityKey && former.entityKey !== root.rootKey && !incident.symptoms.has(former.entityKey)) incident.symptoms.set(former.entityKey, former);
    if (this.latestByRoot.get(incident.rootKey) === id) this.latestByRoot.delete(incident.rootKey);
    const intoId = this.latestByRoot.get(root.rootKey);
    const into = intoId ? this.incidents.get(intoId) : undefined;
    if (into && match.trigger.at - Date.parse(into.insight.lastSeen) <= this.mergeWindowMs) {
      for (const [key, event] of incident.symptoms) if (key !== into.rootKey && !into.symptoms.has(key)) into.symptoms.set(key, event);
      for (const episode of incident.episodes ?? []) this.noteEpisode(into, episode);
      this.forget(incident);
      const merged = this.recompose(into, compose);
      return [merged, { insight: { ...incident.insight, explainedBy: foldLink(merged.insight, reason) }, prediction: incident.prediction, lastSeenOnly: true }];
    }
    this.countRoot(incident.rootKey, -1);
    Object.assign(incident, { rootKey: root.rootKey, historyKey: this.historyKeyOf(root.rootKey), rootEvent: root.rootEvent, path: root.path, match, priority: match.pattern.pattern.spec.priority });
    this.countRoot(root.rootKey, 1);
    this.latestByRoot.set(root.rootKey, id);
    return [this.recompose(incident, compose)];
  }

  /**
   * Composes a running incident's insight again, as it stands, when what is known around it
   * changed without a match (later events judged its prediction); undefined once it left the book.
   */
  retell(id: string, compose: ComposeInsight): ComposedInsight | undefined {
    const incident = this.incidents.get(id);
    return incident ? this.recompose(incident, compose) : undefined;
  }

  private recompose(incident: Incident, compose: ComposeInsight): ComposedInsight {
    const composed = compose({
      id: incident.id,
      rootKey: incident.rootKey,
      match: incident.match,
      rootEvent: incident.rootEvent,
      path: incident.path,
      symptoms: incident.symptoms,
      previous: this.history.of(incident.match.pattern.name, incident.historyKey, incident.id),
      firstSeen: incident.insight.firstSeen,
      lastSeen: incident.insight.lastSeen,
    });
    this.insightRoots.replace(incident.id, incident.insight, composed.insight);
    incident.toldLastSeenMs = Date.parse(composed.insight.lastSeen);
    incident.insight = composed.insight;
    incident.prediction = composed.prediction;
    incident.evidence = composed.evidence;
    return composed;
  }

  /**
   * Lets incidents last seen more than `retainMs` before `nowMs` (event time) leave the book.
   * Cheap to call on every event: it looks at the incidents once per twentieth of `retainMs`.
   */
  expire(nowMs: number): void {
    if (nowMs < this.nextSweepAt) return;
    this.nextSweepAt = nowMs + this.retainMs / 20;
    for (const incident of this.incidents.values()) {
      if (nowMs - Date.parse(incident.insight.lastSeen) > this.retainMs) this.forget(incident);
    }
  }

  /** Beyond the cap: the tenth of the book last seen longest ago leaves (closed incidents, as a rule). */
  private dropOldest(): void {
    const byLastSeen = [...this.incidents.values()].sort((a, b) => Date.parse(a.insight.lastSeen) - Date.parse(b.insight.lastSeen));
    const excess = this.incidents.size - this.maxIncidents;
    for (const incident of byLastSeen.slice(0, Math.max(excess, Math.ceil(this.maxIncidents / 10)))) this.forget(incident);
  }

  private forget(incident: Incident): void {
    this.incidents.delete(incident.id);
    for (const episode of incident.episodes ?? []) {
      const ids = this.episodes.get(episode);
      ids?.delete(incident.id);
      if (ids?.size === 0) this.episodes.delete(episode);
    }
    this.countRoot(incident.rootKey, -1);
    this.insightRoots.remove(incident.id, insightRootKey(incident.insight));
    if (this.latestByRoot.get(incident.rootKey) !== incident.id) return;
    this.latestByRoot.delete(incident.rootKey);
    this.history.record(incident.match.pattern.name, incident.historyKey, incident.insight.firstSeen, incident.id);
  }

  /**
   * Gives every incident of `patternId` new confidences (feedback changed the pattern's
   * accuracy): its insight's and its prediction's, which may differ (a trend's own quality
   * scales the prediction). Returns the insights and predictions whose confidence changed:
   * every judged prediction re-rates its pattern's incidents, and one whose rating came out
   * as before (in whole percent, most do) is not a new version. The story's confidence line
   * is restated with it.
   */
  reRate(patternId: string, confidenceOf: (incident: Incident) => { insight: number; prediction: number }): ComposedInsight[] {
    const updated: ComposedInsight[] = [];
    for (const incident of this.incidents.values()) {
      if (incident.insight.pattern !== patternId) continue;
      const confidence = confidenceOf(incident);
      if (confidence.insight === incident.insight.confidence && confidence.prediction === incident.prediction.confidence) continue;
      incident.insight = { ...incident.insight, confidence: confidence.insight, story: restateConfidence(incident.insight.story, confidence.insight) };
      this.insightRoots.touch(incident.id);
      incident.prediction = { ...incident.prediction, confidence: confidence.prediction };
      incident.toldLastSeenMs = Date.parse(incident.insight.lastSeen);
      updated.push({ insight: incident.insight, prediction: incident.prediction });
    }
    return updated;
  }

  private countRoot(rootKey: string, delta: number): void {
    const kind = entityKeyKind(rootKey) ?? '';
    const count = (this.rootKinds.get(kind) ?? 0) + delta;
    if (count > 0) this.rootKinds.set(kind, count);
    else this.rootKinds.delete(kind);
  }

  /** Whether an incident in the book has its root of one of these kinds. */
  hasRootOfKind(kinds: ReadonlySet<string>): boolean {
    for (const kind of kinds) if (this.rootKinds.has(kind)) return true;
    return false;
  }

  /** The insight of an incident still in the book. */
  insight(id: string): Insight | undefined {
    return this.incidents.get(id)?.insight;
  }

  /** Every incident's insight, most likely first. */
  insights(): Insight[] {
    return [...this.incidents.values()].map((incident) => incident.insight).sort(rankInsights);
  }

  /** The root keys of the insights in the book, with their incidents' ids (kept as incidents come and go). */
  get roots(): BookRootsView {
    return this.insightRoots;
  }

  predictions(): Prediction[] {
    return [...this.incidents.values()].map((incident) => incident.prediction);
  }

  /** Incidents in the book. */
  get size(): number {
    return this.incidents.size;
  }

  /** What the book holds, to see that it stays bounded. */
  stats(): { incidents: number; roots: number; historyKeys: number } {
    return { incidents: this.incidents.size, roots: this.latestByRoot.size, historyKeys: this.history.size };
  }
}
