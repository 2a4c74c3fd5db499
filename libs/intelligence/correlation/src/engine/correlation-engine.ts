import { entityKey, entityKeyKind, type BehaviorPattern, type Correlator, type Insight, type Prediction, type TopologySnapshot, type UnifiedEvent } from '@tapio/domain';
import { FeedbackLedger } from '../feedback/feedback-ledger.js';
import { HoldQueue } from '../incidents/hold-queue.js';
import { FoldRelations } from '../incidents/fold-relations.js';
import { IncidentBook } from '../incidents/incident-book.js';
import type { IncidentDraft } from '../incidents/incident.js';
import { IncidentFolds } from '../incidents/incident-folds.js';
import { rankInsights } from '../incidents/insight-ranking.js';
import { resolveIncidentRoot } from '../incidents/incident-root.js';
import { rejudgeConsumers } from '../incidents/consumer-rejudging.js';
import { PatternIndex } from '../patterns/pattern-index.js';
import { matchPattern, type PatternMatch } from '../patterns/pattern-matcher.js';
import { rateIncident } from '../predictions/prediction-confidence.js';
import { PredictionTracker, type PredictionTrackerStats } from '../predictions/prediction-tracker.js';
import { CausalWalkCache } from '../rootcause/causal-walk-cache.js';
import { staleReport } from '../state/stale-report.js';
import { WorkingState } from '../state/working-state.js';
import { composeInsight, type ComposerContext } from '../story/insight-composer.js';
import type { EngineOptions } from './engine-options.js';
import { emptyOutput, type EngineOutput } from './engine-output.js';
import { SharedLookups } from './shared-lookups.js';
import { ToldInsights } from './told-insights.js';
import { shedWindow, type WindowShed } from './memory-relief.js';

export type { EngineOutput } from './engine-output.js';
export type { EngineLimits, EngineOptions } from './engine-options.js';
export type { WindowShed } from './memory-relief.js';

/**
 * The correlation engine's loop. For every event: index it in the bounded working state,
 * run the correlator plugins (their causal edges feed the walk cache), clear and release
 * held matches, then try the patterns the event can trigger; a match is resolved to its
 * root cause, recorded in the incident book and, when that changes what the incident says,
 * composed into an insight and a prediction. The loop owns no state: the working state,
 * pattern index, causal walks, hold queue and incident book do.
 */
export class CorrelationEngine {
  readonly state: WorkingState;
  /** The working state as correlators and patterns read it: topology answers derived once while the topology is unchanged. */
  private readonly lookups: SharedLookups;
  private readonly patterns = new PatternIndex();
  private readonly walks: CausalWalkCache;
  private readonly holds: HoldQueue;
  private readonly book: IncidentBook;
  private readonly folds: IncidentFolds;
  private readonly relations: FoldRelations;
  private readonly composer: ComposerContext;
  private readonly tracker: PredictionTracker;
  /** The insight versions last output, so a version that says the same again is left out. */
  private readonly told = new ToldInsights();

  constructor(
    private readonly correlators: readonly Correlator[],
    readonly feedback: FeedbackLedger = new FeedbackLedger(),
    options: EngineOptions = {},
  ) {
    this.state = new WorkingState(options);
    this.lookups = new SharedLookups(this.state);
    this.relations = new FoldRelations(this.state);
    const limits = options.limits ?? {};
    // History of folds as long as the book: an incident folded and gone is kept no longer than one in the book would be.
    this.folds = new IncidentFolds(limits.maxIncidents);
    this.walks = new CausalWalkCache(this.state, limits.maxCachedWalks);
    this.holds = new HoldQueue(limits.maxHeld);
    this.tracker = new PredictionTracker(limits.maxTrackedPredictions);
    this.book = new IncidentBook({
      ...(options.mergeWindowMs !== undefined ? { mergeWindowMs: options.mergeWindowMs } : {}),
      ...(options.windowMs !== undefined ? { retainMs: options.windowMs } : {}),
      ...(limits.maxIncidents !== undefined ? { maxIncidents: limits.maxIncidents } : {}),
      ...(limits.maxHistoryKeys !== undefined ? { maxKeys: limits.maxHistoryKeys } : {}),
      ...(limits.maxTimesPerKey !== undefined ? { maxTimesPerKey: limits.maxTimesPerKey } : {}),
      historyKeyOf: (rootKey) => this.workloadOf(rootKey),
    });
    this.composer = {
      state: this.state,
      lookups: this.lookups,
      walk: (start) => this.walks.rootPath(start),
      patternConfidence: (name, base) => this.feedback.confidence(name, base),
      patternStatus: (name, base) => this.feedback.status(name, base),
      predictionsOf: (insightId) => this.tracker.ofInsight(insightId),
    };
  }

  /** Replaces the active patterns (hot reload); running incidents keep their insights. */
  setPatterns(patterns: readonly BehaviorPattern[]): void {
    this.patterns.replace(patterns);
  }

  patternNames(): string[] {
    return this.patterns.names();
  }

  matches(patternName: string): number {
    return this.patterns.matches(patternName);
  }

  /** A pod's (or ReplicaSet's) top owner, so "the same root" survives new pod names; any other root is itself. */
  private workloadOf(rootKey: string): string {
    const kind = entityKeyKind(rootKey);
    if (kind !== 'Pod' && kind !== 'ReplicaSet') return rootKey;
    return this.state.ownerChain(rootKey).at(-1) ?? rootKey;
  }

  /**
   * Takes incidents stored in the graph (earlier runs) as previous occurrences, so "the
   * same thing happened three days ago" survives a restart. An incident that opens again
   * with the same id (a warm start replaying its events) is not its own previous occurrence.
   */
  rememberOccurrences(insights: readonly Insight[]): void {
    for (const insight of insights) {
      if (!insight.pattern) continue;
      this.book.rememberOccurrence(insight.pattern, entityKey(insight.rootCause.entity), insight.firstSeen, insight.id);
    }
  }

  /**
   * Starts a restarted engine from the graph's topology; replaying the recent events
   * through `process` afterwards rebuilds the rest of its working state.
   */
  restoreTopology(snapshot: TopologySnapshot): void {
    this.state.restoreTopology(snapshot);
  }

  process(event: UnifiedEvent): EngineOutput {
    const output = emptyOutput();
    // History listed with the starting state (a kubelet outage that already ended) is no
    // evidence of current trouble: it neither starts an incident nor explains later ones.
    if (staleReport(event, this.state)) return output;
    const added = this.state.add(event);
    if (!added) return output;
    output.topology = added.changes;
    this.book.expire(this.state.now);
    const { indexed } = added;
    for (const correlator of this.correlators) {
      for (const correlation of correlator.correlate(indexed, this.lookups)) {
        output.correlations.push(correlation);
        this.walks.add(correlation, event.id);
      }
    }
    this.judge([...this.tracker.observe(indexed), ...this.tracker.expire(this.state.now)], output);
    if (this.holds.size) {
      this.holds.clear(indexed);
      this.release(this.holds.releaseDue(this.state.now), output);
    }
    for (const pattern of this.patterns.candidates(event.type)) {
      const match = matchPattern(pattern, indexed, this.lookups);
      if (!match) continue;
      this.patterns.countMatch(pattern.name);
      // Verdicts retired it: its matches are still counted (tapio patterns shows them), but it opens no incident.
      if (this.feedback.status(pattern.name, pattern.baseConfidence) === 'retired') continue;
      if (pattern.holdMs === undefined) this.record(match, output);
      else this.release([this.holds.hold(match, pattern.holdMs, indexed)], output);
    }
    this.tellProgress(this.tracker.takeProgress(), output);
    if (output.insights.length) this.refold(output);
    return output;
  }

  /**
   * Folding is part of what is stored: after incidents changed, the folds are recomputed
   * over the book, and every insight whose fold or folded content changed is output again
   * as it now reads (a folded one names its root, a root lists what it explains). Then the
   * output keeps only the versions that say something new (ToldInsights): the last step of
   * every output that carries insights.
   */
  private refold(output: EngineOutput): void {
    if (this.folds.worthRefolding(this.book)) this.foldOutput(output);
    output.insights = this.told.news(output.insights);
    this.told.trim(this.book.size, (id) => this.book.insight(id) !== undefined);
  }

  private foldOutput(output: EngineOutput): void {
    const touched = this.folds.refoldBook(this.book, this.relations);
    for (const insight of output.insights) {
      touched.add(insight.id);
      const root = this.folds.rootOf(insight.id);
      if (root) touched.add(root);
      for (const folded of this.folds.foldedInto(insight.id)) touched.add(folded);
    }
    const views = new Map<string, Insight>();
    for (const id of touched) {
      const insight = this.book.insight(id);
      if (insight) views.set(id, this.folds.view(insight));
    }
    output.insights = output.insights.map((insight) => views.get(insight.id) ?? insight);
    const already = new Set(output.insights.map((insight) => insight.id));
    output.insights.push(...[...views.values()].filter((insight) => !already.has(insight.id)).sort(rankInsights));
  }

  /** Matches waiting for their hold to end. */
  get heldCount(): number {
    return this.holds.size;
  }

  /** What the engine holds besides its window of events, to see that it stays bounded. */
  memory(): { windowEvents: number; incidents: number; roots: number; historyKeys: number; held: number; cachedWalks: number; openPredictions: number } {
    return { windowEvents: this.state.size, ...this.book.stats(), held: this.holds.size, cachedWalks: this.walks.size, openPredictions: this.tracker.openCount };
  }

  /** Memory relief under pressure (memory-relief.ts): the older half of the window and the cached walks; undefined when nothing is left to shed. */
  shed(): WindowShed | undefined {
    return shedWindow(this.state, [this.walks]);
  }

  /**
   * Releases held matches whose hold ended by `nowMs` (event time); `Infinity` releases all
   * (a recording ended while the trouble was still there). Events advance the engine's time
   * themselves; the runtime calls this when the stream goes quiet, and `analyze` at the end.
   * Predictions whose deadline passed by a real `nowMs` did not happen; the end of a
   * recording (`Infinity`) judges none, as their time did not come.
   */
  releaseDue(nowMs: number): EngineOutput {
    const output = emptyOutput();
    this.release(this.holds.releaseDue(nowMs), output);
    if (Number.isFinite(nowMs)) this.judge(this.tracker.expire(nowMs), output);
    // Engine time moved on: folds are checked against the state as it is now, released matches or not.
    this.refold(output);
    return output;
  }

  /**
   * Every incident's insight as stored, most likely first: folded ones name the incident
   * that explains them (`explainedBy`), roots what they explain (`alsoExplains`). One
   * incident per cause is the ones without `explainedBy` (see IncidentFolds).
   */
  insights(): Insight[] {
    return this.book
      .insights()
      .map((insight) => this.folds.view(insight))
      .sort(rankInsights);
  }

  /** One insight per cause: the incidents no other explains, most likely first (what `tapio analyze` reports). */
  rootInsights(): Insight[] {
    return this.insights().filter((insight) => !insight.explainedBy);
  }

  /** Predictions with a deadline: open now, judged so far, and dropped unjudged beyond `limits.maxTrackedPredictions` (metrics). */
  predictionStats(): PredictionTrackerStats {
    return this.tracker.stats();
  }

  /** The predictions with a deadline issued for an incident (open or judged), oldest first. */
  predictionsOf(insightId: string): Prediction[] {
    return this.tracker.ofInsight(insightId);
  }

  /** Every incident's current prediction, with its result once later events judged it. */
  predictions(): Prediction[] {
    return this.book.predictions().map((prediction) => this.tracker.current(prediction));
  }

  /** Recomputes confidences after feedback changed a pattern's accuracy; returns the insights re-rated. */
  refreshConfidence(patternId: string): Insight[] {
    return this.rerate(patternId).insights;
  }

  /** Recomputes confidences after feedback changed a pattern's accuracy: the re-rated insights and their predictions. */
  rerate(patternId: string): EngineOutput {
    const output = this.rerateUnfolded(patternId);
    if (output.insights.length) this.refold(output);
    return output;
  }

  /**
   * `rerate` without the fold pass: for callers that fold once after everything else the
   * same event changed (`process`, `releaseDue`). One pass over all of an event's changes
   * leaves the folds a pass after each change would (they are a function of the book); a
   * pass per judged pattern re-folded every incident of the pattern each time.
   */
  private rerateUnfolded(patternId: string): EngineOutput {
    const base = this.patterns.find(patternId)?.baseConfidence;
    const output = emptyOutput();
    // The same evidence the incident was composed with (its trend included), with the pattern's confidence as feedback left it.
    const rerated = this.book.reRate(patternId, (incident) =>
      rateIncident(this.feedback.confidence(patternId, base ?? incident.match.pattern.baseConfidence), incident.evidence ?? { symptomCount: incident.symptoms.size, chainLength: incident.insight.chain.length }),
    );
    output.insights = rerated.map((item) => item.insight);
    // An open prediction is re-rated; a judged one keeps the confidence it was judged with (what it claimed).
    output.predictions = rerated.map((item) => this.tracker.track(item.prediction)).filter((prediction) => !prediction.result);
    return output;
  }

  /**
   * Predictions later events judged: written again with their result, and learned from
   * (FeedbackLedger: an outcome counts less than a person's verdict), which re-rates the
   * open incidents of their patterns.
   */
  private judge(judged: readonly Prediction[], output: EngineOutput): void {
    if (!judged.length) return;
    const patterns = new Set<string>();
    for (const prediction of judged) {
      output.predictions.push(prediction);
      this.feedback.recordOutcome(prediction);
      patterns.add(prediction.patternId);
    }
    for (const patternId of patterns) {
      const rerated = this.rerateUnfolded(patternId);
      output.insights.push(...rerated.insights);
      output.predictions.push(...rerated.predictions);
    }
    // The incident's story tells what happened to its prediction (and a warning whose failure did not come is closed).
    for (const insightId of new Set(judged.map((prediction) => prediction.insightId))) {
      const retold = insightId ? this.book.retell(insightId, (draft) => composeInsight(draft, this.composer)) : undefined;
      if (!retold) continue;
      output.insights = [...output.insights.filter((insight) => insight.id !== insightId), retold.insight];
      // A judged prediction keeps the confidence it was judged with (what it claimed).
      const tracked = this.tracker.track(retold.prediction);
      const prediction = tracked.result ? this.tracker.current(tracked) : tracked;
      output.predictions = [...output.predictions.filter((already) => already.id !== prediction.id), prediction];
    }
  }

  private release(matches: ReadonlyArray<PatternMatch | undefined>, output: EngineOutput): void {
    for (const match of matches) if (match) this.record(match, output);
  }

  /** A match becomes part of an incident; when that changes what the incident says, its insight is output. */
  private record(match: PatternMatch, output: EngineOutput): void {
    const root = resolveIncidentRoot(this.state, match, this.walks.rootPath(match.rootStepEvent));
    if (!root) return;
    const compose = (draft: IncidentDraft) => composeInsight(draft, this.composer);
    for (const changed of [...rejudgeConsumers(this.book, this.state, root, match, compose), this.book.admit(match, root, compose)]) {
      if (!changed) continue;
      output.insights.push(changed.insight);
      if (!changed.lastSeenOnly) output.predictions.push(this.tracker.track(changed.prediction, changed.cascade));
    }
  }

  /**
   * Open predictions whose count of pods moved ("4 of 9 so far") or that were revised:
   * written again as they stand, and their incident's story retold (a composition earlier
   * in this event may have told the count before it moved).
   */
  private tellProgress(moved: readonly Prediction[], output: EngineOutput): void {
    for (const prediction of moved) {
      output.predictions = [...output.predictions.filter((already) => already.id !== prediction.id), prediction];
      const insightId = prediction.insightId;
      const retold = insightId ? this.book.retell(insightId, (draft) => composeInsight(draft, this.composer)) : undefined;
      if (retold) output.insights = [...output.insights.filter((insight) => insight.id !== insightId), retold.insight];
    }
  }
}
