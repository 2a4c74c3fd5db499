import type { GraphReader, Insight } from '@tapio/domain';

const PAGE = 1000;

/**
 * The incidents stored in the graph, newest first, up to `max`: an engine takes them as
 * previous occurrences of their pattern on their root, so a restarted Tapio still says
 * "the same thing happened three days ago".
 */
export async function storedOccurrences(graph: Pick<GraphReader, 'insights'>, max: number): Promise<Insight[]> {
  const found: Insight[] = [];
  let cursor: string | undefined;
  while (found.length < max) {
    const page = await graph.insights({ limit: Math.min(PAGE, max - found.length), ...(cursor ? { cursor } : {}) });
    found.push(...page.items);
    if (!page.nextCursor || page.items.length === 0) break;
    cursor = page.nextCursor;
  }
  return found;
}
