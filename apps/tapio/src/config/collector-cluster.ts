/**
 * A collector section with `cluster` taken from tapio.yaml's top-level `cluster` when the
 * section names none: the one rule `tapio run` (plugin selection) and `tapio record` share, so
 * that a recording and the live run stamp the same cluster on the same objects (a recording
 * replayed next to live events must meet them on the same entities). A section's own
 * `cluster` wins.
 */
export function withClusterName(section: Readonly<Record<string, unknown>>, topLevelCluster: string): Record<string, unknown> {
  return section['cluster'] === undefined ? { ...section, cluster: topLevelCluster } : { ...section };
}
