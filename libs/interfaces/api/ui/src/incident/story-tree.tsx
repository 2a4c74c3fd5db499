/**
 * The insight's story (the tree `tapio why` prints) as a real list: the first line is
 * the root, each "├─ " / "└─ " line a branch.
 */
export function StoryTree({ story }: { story: string }) {
  const [root = '', ...branches] = story.split('\n').filter((line) => line.trim());
  return (
    <div className="story">
      <p className="story-root">{root}</p>
      <ul className="tree">
        {branches.map((line, index) => (
          <li key={index}>{line.replace(/^[\s│]*[├└]─\s?/, '')}</li>
        ))}
      </ul>
    </div>
  );
}
