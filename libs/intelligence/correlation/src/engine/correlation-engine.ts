import {
  entityKey,
  formatEntity,
  parseEntityKey,
  podsReachedBy,
  WORKLOAD_KINDS,
  severityRank,
  type BehaviorPattern,
  type ChainLink,
  type Correlation,
  type Correlator,
  type EntityRef,
  type IndexedEvent,
  type Insight,
  type RootCauseResource,
  type TopologySnapshot,
  type Prediction,
  type Severity,
  type TopologyChange,
  type UnifiedEvent,
} from '@tapio/domain';
import { compilePattern, type CompiledPattern } from '../patterns/compiled-pattern.js';
import { matchPattern, type PatternMatch } from '../patterns/pattern-matcher.js';
import { CausalGraph } from '../rootcause/causal-graph.js';
import { findRootCause, type CausalPath } from '../rootcause/find-root-cause.js';
import { WorkingState, type WorkingStateOptions } from '../state/working-state.js';
import { FeedbackLedger } from '../feedback/feedback-ledger.js';
import { tellStory } from '../story/story.js';
import { CHANGE_TYPES } from '../correlators/event-classes.js';
import { deterministicId } from './ids.js';
import { rootCauseResourceOf } from './root-cause-resource.js';
import { rankInsights } from './insight-ranking.js';
import { renderTemplate } from './template.js';

export interface EngineOptions extends WorkingStateOptions {
  /** A new match with the same root cause within this time joins the existing insight. */
  mergeWindowMs?: number;
}

export interface EngineOutput {
  topology: TopologyChange[];
  correlations: Correlation[];
  insights: Insight[];
  predictions: Prediction[];
}

interface Incident {
  insight: Insight;
  prediction: Prediction;
  priority: number;
  match: PatternMatch;
  path: CausalPath;
  rootEvent: IndexedEvent;
  symptomKeys: Set<string>;
  symptomEvents: Map<string, IndexedEvent>;
}

/** A match of a pattern with `holdFor`, waiting to see whether its trouble clears by itself. */
interface HeldMatch {
  match: PatternMatch;
  /** Event time of the triggering event, and at which the match becomes an insight. */
  triggerAt: number;
  releaseAt: number;
  /** The triggering event's entity: where a clearing event must happen. */
  entityKey: string | undefined;
}

const MAX_CACHED_WALKS = 50_000;
/** Held matches kept at most; beyond, the oldest are released early rather than dropped. */
const MAX_HELD = 10_000;

function refOf(key: string, state: WorkingState): EntityRef {
  const node = state.resource(key);
  const ref = node?.ref ?? parseEntityKey(key) ?? { kind: 'Unknown', name: key };
  const { uid: _uid, ...rest } = ref;
  return rest;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/**
 * The correlation engine: keeps the bounded working state, runs the correlator
 * plugins on every event, matches behavior patterns, walks causal edges back to the
 * root cause, and maintains one insight per incident (a root cause and everything it
 * explains), with a story, confidence adjusted by feedback, and a prediction.
 */
export class CorrelationEngine {
  readonly state: WorkingState;
  private readonly causal = new CausalGraph();
  private patterns: CompiledPattern[] = [];
  private byTrigger = new Map<string, CompiledPattern[]>();
  private untyped: CompiledPattern[] = [];
  private readonly incidents = new Map<string, Incident>();
  private readonly openByRoot = new Map<string, string>();
  private readonly history = new Map<string, string[]>();
  private readonly matchCounts = new Map<string, number>();
  private readonly mergeWindowMs: number;
  /**
   * Root-cause walks by start event. Correlators link a new event to earlier ones only,
   * so an event's causal ancestry is final once it has been processed and its walk can
   * be reused for every later match (busy incidents match on almost every event).
   */
  private readonly rootPaths = new Map<string, CausalPath>();
  private held: HeldMatch[] = [];

  constructor(
    private readonly correlators: readonly Correlator[],
    readonly feedback: FeedbackLedger = new FeedbackLedger(),
    options: EngineOptions = {},
  ) {
    this.state = new WorkingState(options);
    this.mergeWindowMs = options.mergeWindowMs ?? 60 * 60_000;
  }

  /** Replaces the active patterns (hot reload); running incidents keep their insights. */
  setPatterns(patterns: readonly BehaviorPattern[]): void {
    this.patterns = patterns.filter((pattern) => pattern.spec.enabled).map(compilePattern).sort((a, b) => b.pattern.spec.priority - a.pattern.spec.priority);
    this.byTrigger = new Map();
    this.untyped = [];
    for (const pattern of this.patterns) {
      const trigger = pattern.steps[pattern.steps.length - 1];
      if (!trigger?.types) {
        this.untyped.push(pattern);
        continue;
      }
      for (const type of trigger.types) {
        const list = this.byTrigger.get(type) ?? [];
        list.push(pattern);
        this.byTrigger.set(type, list);
      }
    }
  }

  patternNames(): string[] {
    return this.patterns.map((pattern) => pattern.name);
  }

  matches(patternName: string): number {
    return this.matchCounts.get(patternName) ?? 0;
  }

  /**
   * Starts a restarted engine from the graph's topology; replaying the recent events
   * through `process` afterwards rebuilds the rest of its working state.
   */
  restoreTopology(snapshot: TopologySnapshot): void {
    this.state.restoreTopology(snapshot);
  }

  process(event: UnifiedEvent): EngineOutput {
    const output: EngineOutput = { topology: [], correlations: [], insights: [], predictions: [] };
    const added = this.state.add(event);
    if (!added) return output;
    output.topology = added.changes;
    const { indexed } = added;
    const isLive = (id: string) => this.state.get(id) !== undefined;
    for (const correlator of this.correlators) {
      for (const correlation of correlator.correlate(indexed, this.state)) {
        output.correlations.push(correlation);
        // An edge into an earlier event changes that event's ancestry: forget the cached walks.
        if (this.causal.add(correlation, isLive) && correlation.toEventId !== event.id) this.rootPaths.clear();
      }
    }
    if (this.held.length) {
      this.clearHeld(indexed);
      this.releaseHeld(this.state.now, output);
    }
    const candidates = [...(this.byTrigger.get(event.type) ?? []), ...this.untyped];
    for (const pattern of candidates) {
      const match = matchPattern(pattern, indexed, this.state);
      if (!match) continue;
      this.matchCounts.set(pattern.name, (this.matchCounts.get(pattern.name) ?? 0) + 1);
      if (pattern.holdMs !== undefined) {
        this.hold(match, pattern.holdMs, indexed, output);
        continue;
      }
      this.emit(this.applyMatch(match), output);
    }
    return output;
  }

  /** Matches waiting for their hold to end. */
  get heldCount(): number {
    return this.held.length;
  }

  /**
   * Releases held matches whose hold ended by `nowMs` (event time); `Infinity` releases all
   * (a recording ended while the trouble was still there). Events advance the engine's time
   * themselves; the runtime calls this when the stream goes quiet, and `analyze` at the end.
   */
  releaseDue(nowMs: number): EngineOutput {
    const output: EngineOutput = { topology: [], correlations: [], insights: [], predictions: [] };
    this.releaseHeld(nowMs, output);
    return output;
  }

  private emit(changed: { insight: Insight; prediction: Prediction } | undefined, output: EngineOutput): void {
    if (!changed) return;
    output.insights.push(changed.insight);
    output.predictions.push(changed.prediction);
  }

  private hold(match: PatternMatch, holdMs: number, trigger: IndexedEvent, output: EngineOutput): void {
    // One held match per pattern and entity: a repeat of the same trouble changes nothing.
    if (this.held.some((held) => held.match.pattern.name === match.pattern.name && held.entityKey === trigger.entityKey)) return;
    this.held.push({ match, triggerAt: trigger.at, releaseAt: trigger.at + holdMs, entityKey: trigger.entityKey });
    if (this.held.length > MAX_HELD) this.emit(this.applyMatch((this.held.shift() as HeldMatch).match), output);
  }

  /** Drops held matches the event shows have cleared (the Service got its endpoints back). */
  private clearHeld(indexed: IndexedEvent): void {
    if (!indexed.entityKey) return;
    this.held = this.held.filter((held) => {
      if (held.entityKey !== indexed.entityKey || indexed.at < held.triggerAt) return true;
      return !held.match.pattern.clearedBy?.(indexed.event);
    });
  }

  private releaseHeld(nowMs: number, output: EngineOutput): void {
    if (!this.held.some((held) => held.releaseAt <= nowMs)) return;
    const due = this.held.filter((held) => held.releaseAt <= nowMs);
    this.held = this.held.filter((held) => held.releaseAt > nowMs);
    for (const held of due) this.emit(this.applyMatch(held.match), output);
  }

  private rootPath(start: IndexedEvent): CausalPath {
    const cached = this.rootPaths.get(start.event.id);
    if (cached && cached.events.every((item) => this.state.get(item.event.id) !== undefined)) return cached;
    const path = findRootCause(start, this.causal, this.state);
    if (this.rootPaths.size >= MAX_CACHED_WALKS) {
      // Oldest first (insertion order): drop a tenth.
      let drop = MAX_CACHED_WALKS / 10;
      for (const key of this.rootPaths.keys()) {
        this.rootPaths.delete(key);
        if ((drop -= 1) <= 0) break;
      }
    }
    this.rootPaths.set(start.event.id, path);
    return path;
  }

  /** Every incident's insight, most likely first. */
  insights(): Insight[] {
    return [...this.incidents.values()].map((incident) => incident.insight).sort(rankInsights);
  }

  predictions(): Prediction[] {
    return [...this.incidents.values()].map((incident) => incident.prediction);
  }

  /** Recomputes confidences after feedback changed a pattern's accuracy. */
  refreshConfidence(patternId: string): Insight[] {
    const updated: Insight[] = [];
    for (const incident of this.incidents.values()) {
      if (incident.insight.pattern !== patternId) continue;
      const base = this.patterns.find((pattern) => pattern.name === patternId)?.baseConfidence ?? incident.prediction.confidence;
      const confidence = Math.min(1, this.feedback.confidence(patternId, base) * this.evidenceFactor(incident));
      incident.insight = { ...incident.insight, confidence };
      incident.prediction = { ...incident.prediction, confidence };
      updated.push(incident.insight);
    }
    return updated;
  }

  private evidenceFactor(incident: Incident): number {
    const symptoms = incident.symptomKeys.size;
    const chained = incident.insight.chain.length > 1 ? 1 : 0;
    return 0.85 + 0.075 * chained + 0.075 * Math.min(1, (symptoms - 1) / 3);
  }

  /**
   * The entity an incident is about. A pod-level root rolls up to its workload when its
   * siblings show the same trouble, or when the pattern counted the trouble per owner
   * (the count is about the workload, not about whichever pod tipped it over).
   */
  private rootEntityKey(root: IndexedEvent, countedByOwner: boolean, blame: RootCauseResource | undefined): string | undefined {
    const key = root.entityKey;
    if (!key) return undefined;
    const blamed = blame ? rootCauseResourceOf(this.state, key, blame, root.event.message) : undefined;
    if (blamed) return blamed;
    const ref = parseEntityKey(key);
    if (ref?.kind !== 'Pod') return key;
    const chain = this.state.ownerChain(key);
    const top = chain[chain.length - 1];
    if (!top || !WORKLOAD_KINDS.has(parseEntityKey(top)?.kind ?? '')) return key;
    if (countedByOwner) return top;
    const siblings = this.state.eventsOnOwner(top, root.at - 30 * 60_000).filter((item) => item.event.type === root.event.type && item.entityKey !== key);
    return siblings.length > 0 ? top : key;
  }

  private applyMatch(match: PatternMatch): { insight: Insight; prediction: Prediction } | undefined {
    const pattern = match.pattern;
    const trigger = match.events[match.events.length - 1] as IndexedEvent;
    const rootStepEvent = match.events[pattern.rootStep] as IndexedEvent;
    const symptomEvent = match.events[pattern.symptomStep] as IndexedEvent;
    const path = this.rootPath(rootStepEvent);
    const rootEvent = path.events[0] as IndexedEvent;
    const rootIsStep = rootEvent.event.id === rootStepEvent.event.id;
    const countedByOwner = rootIsStep && pattern.steps[pattern.rootStep]?.count?.by === 'owner';
    // An earlier cause found by the causal walk outranks the resource the pattern blames.
    const blame = rootIsStep ? pattern.pattern.spec.rootCauseResource : undefined;
    const rootKey = this.rootEntityKey(rootEvent, countedByOwner, blame);
    if (!rootKey || !symptomEvent.entityKey) return undefined;

    const openId = this.openByRoot.get(rootKey);
    const open = openId ? this.incidents.get(openId) : undefined;
    if (open && trigger.at - Date.parse(open.insight.lastSeen) <= this.mergeWindowMs) {
      return this.extend(open, match, path, rootEvent, rootKey);
    }
    const historyKey = `${pattern.name}|${rootKey}`;
    const previous = this.history.get(historyKey) ?? [];
    if (open) {
      previous.push(open.insight.firstSeen);
      this.history.set(historyKey, previous);
    }
    const id = deterministicId('ins', rootKey, rootEvent.event.id);
    const incident: Incident = {
      insight: undefined as unknown as Insight,
      prediction: undefined as unknown as Prediction,
      priority: pattern.pattern.spec.priority,
      match,
      path,
      rootEvent,
      symptomKeys: new Set(),
      symptomEvents: new Map(),
    };
    this.incidents.set(id, incident);
    this.openByRoot.set(rootKey, id);
    this.addSymptoms(incident, match, rootKey);
    this.compose(incident, id, rootKey, [...previous]);
    return { insight: incident.insight, prediction: incident.prediction };
  }

  private extend(incident: Incident, match: PatternMatch, path: CausalPath, rootEvent: IndexedEvent, rootKey: string) {
    const before = incident.symptomKeys.size;
    const priority = match.pattern.pattern.spec.priority;
    const upgrade = priority > incident.priority || (priority === incident.priority && match.pattern.name !== incident.insight.pattern && severityRank(match.pattern.pattern.spec.severity) > severityRank(incident.insight.severity));
    this.addSymptoms(incident, match, rootKey);
    const trigger = match.events[match.events.length - 1] as IndexedEvent;
    if (!upgrade && incident.symptomKeys.size === before) {
      incident.insight = { ...incident.insight, lastSeen: iso(Math.max(Date.parse(incident.insight.lastSeen), trigger.at)) };
      return undefined;
    }
    if (upgrade) {
      incident.priority = priority;
      incident.match = match;
      if (rootEvent.at < incident.rootEvent.at) {
        incident.rootEvent = rootEvent;
        incident.path = path;
      }
    }
    const previous = this.history.get(`${incident.match.pattern.name}|${rootKey}`) ?? [];
    this.compose(incident, incident.insight.id, rootKey, previous);
    return { insight: incident.insight, prediction: incident.prediction };
  }

  private addSymptoms(incident: Incident, match: PatternMatch, rootKey: string): void {
    const pattern = match.pattern;
    for (let index = pattern.symptomStep; index < match.events.length; index += 1) {
      const event = match.events[index] as IndexedEvent;
      if (!event.entityKey || event.entityKey === rootKey) continue;
      if (!incident.symptomEvents.has(event.entityKey)) incident.symptomEvents.set(event.entityKey, event);
      incident.symptomKeys.add(event.entityKey);
    }
  }

  private compose(incident: Incident, id: string, rootKey: string, previous: string[]): void {
    const { match, path, rootEvent } = incident;
    const pattern = match.pattern;
    const spec = pattern.pattern.spec;
    const state = this.state;
    const rootRef = refOf(rootKey, state);
    const trigger = match.events[match.events.length - 1] as IndexedEvent;

    const symptomKeys = [...incident.symptomKeys];
    const pods = symptomKeys.filter((key) => parseEntityKey(key)?.kind === 'Pod');
    const owners = new Set<string>();
    const services = new Set<string>();
    const ingresses = new Set<string>();
    const nodes = new Set<string>();
    for (const key of symptomKeys) {
      for (const owner of state.ownerChain(key)) owners.add(owner);
      for (const service of state.neighbours(key, 'SELECTS', 'in')) services.add(service);
      const node = state.nodeNameOf(key);
      if (node && parseEntityKey(key)?.kind === 'Pod') nodes.add(node);
      if (parseEntityKey(key)?.kind === 'Node') nodes.add(parseEntityKey(key)!.name);
    }
    for (const service of services) for (const ingress of state.neighbours(service, 'ROUTES_TO', 'in')) ingresses.add(ingress);
    owners.delete(rootKey);

    // Prefer the causal path from the root all the way to the symptom (it shows the
    // intermediate steps, such as the rollout between a config change and the crashes).
    const symptomPath = this.rootPath(match.events[pattern.symptomStep] as IndexedEvent);
    const throughSymptom = symptomPath.events[0]?.event.id === rootEvent.event.id;
    const chainPath = throughSymptom ? symptomPath : path;
    const chainEvents = [...chainPath.events];
    for (let index = pattern.rootStep + 1; index < match.events.length; index += 1) {
      const event = match.events[index] as IndexedEvent;
      if (!chainEvents.some((item) => item.event.id === event.event.id)) chainEvents.push(event);
    }
    // Changes to the symptom's owners between the root cause and the symptom (a rollout
    // that carried a config change to new pods) belong in the story too.
    const symptom = match.events[pattern.symptomStep] as IndexedEvent;
    if (symptom.entityKey) {
      for (const owner of state.ownerChain(symptom.entityKey)) {
        for (const change of state.eventsOn(owner, rootEvent.at, CHANGE_TYPES)) {
          if (change.at <= symptom.at && change.event.id !== rootEvent.event.id && !chainEvents.some((item) => item.event.id === change.event.id)) chainEvents.push(change);
        }
      }
    }
    chainEvents.sort((a, b) => a.at - b.at);
    const chain: ChainLink[] = chainEvents.map((item, index) => ({
      eventId: item.event.id,
      entity: item.entityKey ? refOf(item.entityKey, state) : { kind: 'Unknown', name: item.event.source },
      type: item.event.type,
      timestamp: item.event.timestamp,
      summary: item.event.message,
      ...(index > 0 && chainPath.edges[index - 1] ? { relation: chainPath.edges[index - 1]!.reason } : {}),
    }));

    const symptomRefs = [...incident.symptomEvents.entries()]
      .sort(([, a], [, b]) => a.at - b.at)
      .map(([key]) => refOf(key, state));
    const affectedKeys = new Set([...symptomKeys, ...owners, ...services, ...ingresses, ...[...nodes].map((node) => entityKey({ kind: 'Node', name: node, ...(rootRef.cluster ? { cluster: rootRef.cluster } : {}) }))]);
    const affected = [...affectedKeys].map((key) => refOf(key, state));

    // The root event is on the root entity itself, on a pod of it (a roll-up to the
    // workload) or on an entity that uses it (a pod that cannot attach the blamed volume).
    const reporter = rootEvent.entityKey && rootEvent.entityKey !== rootKey ? rootEvent.entityKey : undefined;
    const rootIsRollup = reporter !== undefined && state.ownerChain(reporter).includes(rootKey);
    const reportedOn = reporter && !rootIsRollup ? `on ${formatEntity(refOf(reporter, state))}` : undefined;
    const family = rootIsRollup ? state.eventsOnOwner(rootKey, rootEvent.at - 60 * 60_000).filter((item) => item.event.type === rootEvent.event.type) : [];
    const what = rootIsRollup
      ? `${family.length || 1} ${rootEvent.event.type.replace(/_/g, ' ')} event${family.length === 1 ? '' : 's'} on its pods since ${rootEvent.event.timestamp}; first: ${rootEvent.event.message}`
      : `${rootEvent.event.message} (${reportedOn ? `${reportedOn}, ` : ''}${rootEvent.event.timestamp})`;

    const base = pattern.baseConfidence;
    const provisional = { ...incident, insight: { chain } as Insight };
    const confidence = Math.min(1, this.feedback.confidence(pattern.name, base) * this.evidenceFactor(provisional as Incident));
    // The story names pods together (how many, which, where) and every other affected
    // entity (a Deployment whose rollout stalled, a Service left without endpoints) apart.
    const ordered = [...incident.symptomEvents.values()].sort((a, b) => a.at - b.at);
    const podSymptoms = ordered.filter((item) => parseEntityKey(item.entityKey ?? '')?.kind === 'Pod');
    const storySymptoms = podSymptoms.length ? podSymptoms : ordered;
    const otherSymptoms = podSymptoms.length ? ordered.filter((item) => !podSymptoms.includes(item)) : [];
    const symptomTypes = new Set(storySymptoms.map((item) => item.event.type.replace(/_/g, ' ')));
    const noun = podSymptoms.length ? `pod${storySymptoms.length === 1 ? '' : 's'}` : `entit${storySymptoms.length === 1 ? 'y' : 'ies'}`;
    const symptomSummary = `${storySymptoms.length} ${noun} affected (${[...symptomTypes].join(', ')})`;
    const values: Record<string, string> = { pattern: pattern.name, root: formatEntity(rootRef), count: String(match.count), symptoms: String(symptomRefs.length), pods: String(pods.length) };
    match.events.forEach((event, index) => {
      const step = pattern.steps[index]!;
      values[`${step.id}.entity`] = event.entityKey ? formatEntity(refOf(event.entityKey, state)) : '';
      values[`${step.id}.time`] = event.event.timestamp;
      values[`${step.id}.message`] = event.event.message;
    });
    const nextCheck = spec.nextChecks?.length ? renderTemplate(spec.nextChecks[0] as string, values) : `Look at what changed on ${formatEntity(rootRef)} just before ${rootEvent.event.timestamp}`;
    const mountedBy = ['ConfigMap', 'Secret', 'PersistentVolumeClaim'].includes(rootRef.kind)
      ? podsReachedBy(state.topology, rootKey).length
      : 0;
    const story = tellStory({
      rootCause: { entity: rootRef, what: rootIsRollup ? what : reportedOn ? `${rootEvent.event.message} (${reportedOn})` : rootEvent.event.message, at: rootEvent.event.timestamp },
      chain: chainEvents.slice(1).map((item) => ({ at: item.event.timestamp, text: item.event.message })).slice(0, 6),
      symptoms: storySymptoms.map((item) => refOf(item.entityKey as string, state)),
      symptomSummary,
      otherSymptoms: otherSymptoms.map((item) => ({ entity: refOf(item.entityKey as string, state), what: item.event.type.replace(/_/g, ' ') })),
      owners: [...owners].filter((key) => !/\/ReplicaSet\//.test(key)).map((key) => refOf(key, state)),
      nodes: [...nodes].sort(),
      services: [...services].map((key) => refOf(key, state)),
      ingresses: [...ingresses].map((key) => refOf(key, state)),
      mountedBy,
      previousOccurrences: previous,
      confidence,
      pattern: pattern.name,
      headline: spec.story ? renderTemplate(spec.story, values) : undefined,
      nextCheck,
      now: trigger.at,
    });
    const prediction = spec.predictions[0]!;
    const predictionId = deterministicId('pred', id, pattern.name);
    const firstSeen = incident.insight?.firstSeen ?? iso(Math.min(rootEvent.at, trigger.at));
    const severity: Severity = spec.severity;
    incident.insight = {
      id,
      title: `${pattern.name}: ${formatEntity(rootRef)}`,
      severity,
      confidence,
      pattern: pattern.name,
      predictionId,
      rootCause: { entity: rootRef, eventId: rootEvent.event.id, eventType: rootEvent.event.type, timestamp: rootEvent.event.timestamp, what },
      symptoms: symptomRefs,
      chain,
      affected,
      story,
      nextChecks: (spec.nextChecks ?? []).map((check) => renderTemplate(check, values)),
      previousOccurrences: previous,
      eventIds: [...new Set([...chainEvents.map((item) => item.event.id), ...[...incident.symptomEvents.values()].map((item) => item.event.id)])],
      firstSeen,
      lastSeen: iso(Math.max(trigger.at, Date.parse(incident.insight?.lastSeen ?? firstSeen))),
      createdAt: firstSeen,
      ...(rootRef.cluster ? { cluster: rootRef.cluster } : {}),
    };
    incident.prediction = {
      id: predictionId,
      patternId: pattern.name,
      insightId: id,
      type: prediction.type,
      confidence,
      ...(prediction.time_horizon ? { timeHorizon: prediction.time_horizon } : {}),
      message: renderTemplate(prediction.message, values),
      impact: prediction.impact,
      createdAt: firstSeen,
    };
  }
}
