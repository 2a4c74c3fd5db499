import type { IncidentFold, Insight } from '@tapio/domain';
import { absorb } from './incident-folding.js';

/** How a folded incident is named by the incident that explains it. */
export function foldLink(other: Insight, reason: string): IncidentFold {
  return {
    insightId: other.id,
    title: other.title,
    severity: other.severity,
    ...(other.pattern ? { pattern: other.pattern } : {}),
    rootCause: other.rootCause.entity,
    reason,
  };
}

export interface FoldedIncident {
  other: Insight;
  reason: string;
}

/** Everything of a folded incident that its root's view reads (`absorb` and `foldLink`). */
interface FoldedParts {
  id: string;
  title: string;
  severity: Insight['severity'];
  pattern: Insight['pattern'];
  entity: Insight['rootCause']['entity'];
  symptoms: Insight['symptoms'];
  affected: Insight['affected'];
  reason: string;
}

/** A root's view as last built, with what it was built from. */
interface Built {
  symptoms: Insight['symptoms'];
  affected: Insight['affected'];
  story: string;
  severity: Insight['severity'];
  folded: FoldedParts[];
  view: Pick<Insight, 'severity' | 'symptoms' | 'affected' | 'story'> & { alsoExplains: IncidentFold[] };
}

const partsOf = ({ other, reason }: FoldedIncident): FoldedParts => ({
  id: other.id,
  title: other.title,
  severity: other.severity,
  pattern: other.pattern,
  entity: other.rootCause.entity,
  symptoms: other.symptoms,
  affected: other.affected,
  reason,
});

function sameFolded(parts: readonly FoldedParts[], folded: readonly FoldedIncident[]): boolean {
  if (parts.length !== folded.length) return false;
  for (let index = 0; index < parts.length; index += 1) {
    const was = parts[index] as FoldedParts;
    const { other, reason } = folded[index] as FoldedIncident;
    if (
      was.id !== other.id ||
      was.reason !== reason ||
      was.title !== other.title ||
      was.severity !== other.severity ||
      was.pattern !== other.pattern ||
      was.entity !== other.rootCause.entity ||
      was.symptoms !== other.symptoms ||
      was.affected !== other.affected
    )
      return false;
  }
  return true;
}

/**
 * The view of an incident that others are folded into: its insight with their symptoms and
 * affected entities absorbed and the list of what it also explains. Built again only when
 * something it reads changed: a re-rated incident (a prediction of its pattern was judged)
 * keeps its symptoms, affected entities and story, and so do the incidents folded into it,
 * so its view is the one built before with the new confidence, not a merge of every folded
 * incident's entities again. Insights are never edited in place, so parts are compared by identity.
 */
export class RootViews {
  private readonly built = new Map<string, Built>();

  view(cause: Insight, folded: readonly FoldedIncident[]): Insight {
    const last = this.built.get(cause.id);
    if (last && last.symptoms === cause.symptoms && last.affected === cause.affected && last.story === cause.story && last.severity === cause.severity && sameFolded(last.folded, folded)) {
      const { severity, symptoms, affected, story, alsoExplains } = last.view;
      return { ...cause, severity, symptoms, affected, story, alsoExplains };
    }
    const absorbed = absorb(
      cause,
      folded.map(({ other }) => other),
    );
    const alsoExplains = folded.map(({ other, reason }) => foldLink(other, reason));
    const view = { severity: absorbed.severity, symptoms: absorbed.symptoms, affected: absorbed.affected, story: absorbed.story, alsoExplains };
    this.built.set(cause.id, { symptoms: cause.symptoms, affected: cause.affected, story: cause.story, severity: cause.severity, folded: folded.map(partsOf), view });
    return { ...absorbed, alsoExplains };
  }

  /** Forgets the view of an incident that no longer has others folded into it. */
  forget(id: string): void {
    this.built.delete(id);
  }

  /** Keeps only the views of these incidents (the ones the folds still name). */
  keepOnly(named: ReadonlySet<string>): void {
    for (const id of this.built.keys()) if (!named.has(id)) this.built.delete(id);
  }

  get size(): number {
    return this.built.size;
  }
}
