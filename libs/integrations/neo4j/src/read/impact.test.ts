import { describe, expect, it } from 'vitest';
import { podsReachedQuery } from './impact.js';

describe('podsReachedQuery', () => {
  it('turns the domain reach paths into Cypher', () => {
    expect(podsReachedQuery('Pod')).toBe('MATCH (p:Resource {key: $key})');
    expect(podsReachedQuery('ConfigMap')).toBe('MATCH (:Resource {key: $key})<-[:MOUNTS]-(p:Resource)');
    expect(podsReachedQuery('PersistentVolume')).toBe('MATCH (:Resource {key: $key})<-[:BOUND_TO]-(:Resource)<-[:CLAIMS]-(p:Resource)');
    expect(podsReachedQuery('Ingress')).toBe('MATCH (:Resource {key: $key})-[:ROUTES_TO]->(:Resource)-[:SELECTS]->(p:Resource)');
    expect(podsReachedQuery('HorizontalPodAutoscaler')).toBe("MATCH (:Resource {key: $key})-[:SCALES]->(:Resource)-[:OWNS*1..20]->(p:Resource) WHERE p.kind = 'Pod'");
    expect(podsReachedQuery('Deployment')).toBe("MATCH (:Resource {key: $key})-[:OWNS*1..20]->(p:Resource) WHERE p.kind = 'Pod'");
  });

  it('has no query for a kind whose change reaches no pod', () => {
    expect(podsReachedQuery('Namespace')).toBeUndefined();
  });
});
