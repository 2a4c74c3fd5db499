import { formatEntity, type EntityRef } from '@tapio/domain';

export interface StoryInput {
  rootCause: { entity: EntityRef; what: string; at: string | undefined };
  chain: Array<{ at: string; text: string }>;
  symptoms: EntityRef[];
  symptomSummary: string;
  /** Affected entities that are not pods, with what happened to them. */
  otherSymptoms?: Array<{ entity: EntityRef; what: string }>;
  owners: EntityRef[];
  nodes: string[];
  services: EntityRef[];
  ingresses: EntityRef[];
  mountedBy: number;
  /** When the same pattern found the same root cause before (the newest ones), oldest first. */
  previousOccurrences: readonly string[];
  /** How many times it did, when more than the times listed. */
  previousCount?: number;
  /** The incident's predictions with a deadline and what happened to them, one line each (predictionStoryLines). */
  predictions?: readonly string[];
  confidence: number;
  pattern: string;
  /** Said next to the pattern when feedback promoted it. */
  patternStatus?: string;
  headline: string | undefined;
  nextCheck: string;
}

const CONFIDENCE_LINE = '  ├─ Confidence: ';
const percent = (confidence: number) => `${Math.round(confidence * 100)}%`;

function list(refs: readonly EntityRef[], limit = 3): string {
  const names = refs.slice(0, limit).map((ref) => ref.name);
  return refs.length > limit ? `${names.join(', ')} and ${refs.length - limit} more` : names.join(', ');
}

/**
 * The deterministic story, in the shape of seed 002's "Tapio's graph reveals" tree:
 * when and what the root cause was, what it touched, which Services and Ingresses
 * are behind it, previous occurrences, confidence, and the next thing to check.
 * Times are absolute (what is stored must not go stale); a reader's "N minutes ago" is
 * added where the story is shown (`storyWithAges`). No line is told twice.
 */
export function tellStory(input: StoryInput): string {
  const lines: string[] = [];
  const when = input.rootCause.at ?? 'Already in place';
  const subject = formatEntity(input.rootCause.entity);
  lines.push(`${when}: ${input.rootCause.what.includes(subject) ? input.rootCause.what : `${subject}: ${input.rootCause.what}`}`);
  if (input.headline) lines.push(`  ├─ ${input.headline}`);
  if (input.mountedBy > 0) lines.push(`  ├─ Used by: ${input.mountedBy} pod${input.mountedBy === 1 ? '' : 's'}${input.owners.length ? ` of ${input.owners.map(formatEntity).join(', ')}` : ''}`);
  for (const step of input.chain) lines.push(`  ├─ ${step.at}: ${step.text}`);
  if (input.symptoms.length) {
    lines.push(`  ├─ ${input.symptomSummary}: ${list(input.symptoms)}${input.nodes.length ? ` across ${input.nodes.length} node${input.nodes.length === 1 ? '' : 's'} (${input.nodes.join(', ')})` : ''}`);
  }
  for (const other of input.otherSymptoms ?? []) lines.push(`  ├─ Also affected: ${formatEntity(other.entity)} (${other.what})`);
  for (const service of input.services) lines.push(`  ├─ Service '${service.name}' selects these pods`);
  for (const ingress of input.ingresses) lines.push(`  ├─ Ingress '${ingress.name}' routes to ${input.services.length === 1 ? 'that Service' : 'these Services'}`);
  for (const prediction of input.predictions ?? []) lines.push(`  ├─ ${prediction}`);
  lines.push(
    input.previousOccurrences.length
      ? `  ├─ Previous occurrence: same pattern at ${input.previousOccurrences[input.previousOccurrences.length - 1]} (${input.previousCount ?? input.previousOccurrences.length} before)`
      : '  ├─ Previous occurrence: none on record',
  );
  lines.push(`${CONFIDENCE_LINE}${percent(input.confidence)} (${input.pattern}${input.patternStatus ? `, ${input.patternStatus} by feedback` : ''})`);
  lines.push(`  └─ Next: ${input.nextCheck}`);
  return [...new Set(lines)].join('\n');
}

/**
 * The story with its confidence line saying `confidence`: a re-rating (a judged prediction,
 * a verdict) changes an incident's confidence without telling its story again, and the story
 * must not go on showing the percent it was told with.
 */
export function restateConfidence(story: string, confidence: number): string {
  // The last such line: a headline or a chain step may start with the same words; only "Next" follows the confidence.
  const at = story.lastIndexOf(`\n${CONFIDENCE_LINE}`);
  if (at < 0) return story;
  const from = at + 1 + CONFIDENCE_LINE.length;
  const end = story.indexOf('%', from);
  return end < 0 ? story : `${story.slice(0, from)}${percent(confidence)}${story.slice(end + 1)}`;
}
