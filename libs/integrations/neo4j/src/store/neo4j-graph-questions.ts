import type { CauseEffectCount, DeathSpiral, EntityRef, EventContext, GraphQuestions, ImpactAnswer, TimeRange, UnifiedEvent, WhyAnswer } from '@tapio/domain';
import { deathSpirals, eventContext, patternDiscovery, timeline, why } from '../read/graph-questions.js';
import { impact } from '../read/impact.js';
import type { ReadRunner } from './read-runner.js';

/** The GraphQuestions port on Neo4j: why, context, impact, timeline, each one read transaction. */
export class Neo4jGraphQuestions implements GraphQuestions {
  constructor(private readonly read: ReadRunner) {}

  why(ref: EntityRef, range: TimeRange): Promise<WhyAnswer> {
    return this.read((tx) => why(tx, ref, range));
  }

  eventContext(eventId: string): Promise<EventContext | undefined> {
    return this.read((tx) => eventContext(tx, eventId));
  }

  impact(ref: EntityRef): Promise<ImpactAnswer> {
    return this.read((tx) => impact(tx, ref));
  }

  timeline(ref: EntityRef, range: TimeRange): Promise<UnifiedEvent[]> {
    return this.read((tx) => timeline(tx, ref, range));
  }

  deathSpirals(since: string, minRestarts: number): Promise<DeathSpiral[]> {
    return this.read((tx) => deathSpirals(tx, since, minRestarts));
  }

  patternDiscovery(minOccurrences: number): Promise<CauseEffectCount[]> {
    return this.read((tx) => patternDiscovery(tx, minOccurrences));
  }
}
