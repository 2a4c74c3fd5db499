import { age } from '../format/format.ts';

/** The time that opens a stored story ("2026-03-02T10:03:12Z: ..."). */
const OPENING = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))(?=: )/;

/**
 * The insight's story (the tree `tapio why` prints) as a real list: the first line is
 * the root, each "├─ " / "└─ " line a branch. Stories are stored with absolute times;
 * the page adds how long ago the root cause happened, against the reader's clock.
 */
export function StoryTree({ story, now = Date.now() }: { story: string; now?: number }) {
  const [root = '', ...branches] = story.split('\n').filter((line) => line.trim());
  return (
    <div className="story">
      <p className="story-root">{root.replace(OPENING, (at: string) => `${at} (${age(at, now)} ago)`)}</p>
      <ul className="tree">
        {branches.map((line, index) => (
          <li key={index}>{line.replace(/^[\s│]*[├└]─\s?/, '')}</li>
        ))}
      </ul>
    </div>
  );
}
